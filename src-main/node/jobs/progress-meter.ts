// Progress of a run as its hosts show it (the CLI's bar, the app's progress line): step of total, the latest loss,
// elapsed seconds and the ETA of eta-estimator.ts, at most about ten times a second plus the last step. One meter
// serves training (fed by the run's callbacks, with its record plan) and imports (one "step" per checkpoint).
import type { ProgressDto } from '../../contract/api';
import type { RunConfig } from '../../contract/run-config';
import { scheduleSteps } from '../../core/train/schedule';
import type { TrainCallbacks } from '../../core/train/train-types';
import { createEtaEstimator, type RecordPlan } from './eta-estimator';

/** What a host shows; the run id is added by whoever sends it over the API. */
export type RunProgress = Omit<ProgressDto, 'runId'>;

export interface ProgressMeter {
  /** Starts the clock (the run's setup is done). */
  start(): void;
  /** The end of a recorded step's work (kernel: it took an eNTK snapshot). */
  recorded(step: number, kernel: boolean): void;
  /** `step` steps done; emits progress unless one was emitted less than the throttle interval ago. */
  step(step: number, loss: number | null): void;
  /** The same notices as training callbacks (onStart, onMetrics, onStep). */
  readonly callbacks: Pick<TrainCallbacks, 'onStart' | 'onMetrics' | 'onStep'>;
}

export interface ProgressMeterOptions {
  /** Steps (checkpoints for an import) in the whole run. */
  readonly total: number;
  readonly plan?: RecordPlan;
  /** Minimum interval between emitted notices, in ms (default 100); the last step is always emitted. */
  readonly throttleMs?: number;
  /** See EtaOptions (imports count every checkpoint, training leaves its compiling first step out). */
  readonly skipWarmup?: boolean;
  readonly minSamples?: number;
  readonly now?: () => number;
}

/** The steps a training run will record (as train-run.ts schedules them): kernel snapshots, and metrics only. */
export function recordPlanOf(config: RunConfig): RecordPlan {
  const kernelSteps = scheduleSteps(config.logging.kernels, config.steps);
  const kernels = new Set(kernelSteps);
  return { kernelSteps, metricSteps: scheduleSteps(config.logging.metrics, config.steps).filter((s) => !kernels.has(s)) };
}

export function createProgressMeter(emit: (progress: RunProgress) => void, options: ProgressMeterOptions): ProgressMeter {
  const { total } = options;
  const now = options.now ?? (() => performance.now());
  const throttleMs = options.throttleMs ?? 100;
  const newEstimator = () => createEtaEstimator({ total, plan: options.plan, skipWarmup: options.skipWarmup, minSamples: options.minSamples });
  let started = now();
  let estimator = newEstimator();
  let lastEmit = -Infinity;
  const seconds = () => (now() - started) / 1000;

  const meter: ProgressMeter = {
    start() {
      started = now();
      estimator = newEstimator();
    },
    recorded(step, kernel) {
      estimator.recorded(step, kernel, seconds());
    },
    step(step, loss) {
      const elapsedSeconds = seconds();
      estimator.stepped(step, elapsedSeconds);
      const t = now();
      if (t - lastEmit < throttleMs && step !== total) return;
      lastEmit = t;
      emit({ step, total, loss: loss !== null && Number.isFinite(loss) ? loss : null, elapsedSeconds, etaSeconds: estimator.eta() });
    },
    callbacks: {
      onStart: () => meter.start(),
      onMetrics: (record) => meter.recorded(record.step, record.kernelStep),
      onStep: (step, _total, loss) => meter.step(step, loss),
    },
  };
  return meter;
}
