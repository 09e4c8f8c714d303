// One training run from a validated config: initialise, step, and at scheduled steps record metrics and kernel
// snapshots (empirical NTK, drift, spectrum, distance to the analytic kernel and the bound lambda_0 / (2 n^2)).
// Stops cleanly on cancellation or a non-finite loss. Engines and sinks come in from the host (node/, tests).
import type { RunConfig } from '../../contract/run-config';
import type { Dataset } from '../data/dataset';
import { circleSweep } from '../data/synthetic';
import { macrotaskYielder } from '../macrotask';
import { outputsForLoss } from '../losses';
import { type Architecture, architectureFromConfig, describeArchitecture, initParams } from '../models/architecture';
import { architectureModel } from '../models/differentiable-model';
import { paramCount, type ParamSet } from '../models/params';
import type { MatmulEngine } from '../linalg/gram-engine';
import { analyticNtk } from '../ntk/analytic';
import { genericNtk } from '../ntk/generic-ntk';
import type { KernelMode } from '../ntk/kernel-types';
import { structuredNtk } from '../ntk/structured-ntk';
import { gramSpectrum } from '../linalg/spectrum';
import { scheduleSteps } from './schedule';
import { type KernelMetrics, kernelMetrics, layoutAnalytic, type StepMetrics, stepMetrics } from './snapshot-metrics';
import type { StepEngine } from './step-engine';
import type { StepEngineSpec } from './tfjs-step-engine';

export interface TrainEngines {
  readonly matmul: MatmulEngine;
  createStepEngine(spec: StepEngineSpec): Promise<StepEngine>;
}

export type MetricsRecord = StepMetrics & Partial<KernelMetrics> & { readonly wallTime: number; readonly kernelStep: boolean };

export interface KernelSnapshot {
  readonly step: number;
  /** 'full' [n k, n k] sample-major or 'trace' [n, n]; float64. */
  readonly kind: KernelMode;
  readonly rows: number;
  readonly kernel: Float64Array;
  /** Ascending eigenvalues when the full spectrum was computed. */
  readonly eigenvalues?: Float64Array;
  /** Fig. 2/3 sweep: K_t((1,0), (cos phi_j, sin phi_j)) (class trace), when configured. */
  readonly sweep?: Float64Array;
}

export interface TrainCallbacks {
  /** After every optimiser step (cheap; hosts throttle). */
  onStep?(step: number, total: number, loss: number): void;
  onMetrics?(record: MetricsRecord): void | Promise<void>;
  onKernel?(snapshot: KernelSnapshot): void | Promise<void>;
  /** Called once before the first step with what the run will record. */
  onStart?(info: RunStartInfo): void | Promise<void>;
}

export interface RunStartInfo {
  readonly architecture: string;
  readonly paramCount: number;
  readonly outputs: number;
  readonly stepEngine: string;
  readonly matmulEngine: string;
  readonly trackedSamples: readonly number[];
  readonly metricSteps: number;
  readonly kernelSteps: number;
  /** Analytic kernel on the training set [n, n] (float64), when it applies. */
  readonly analyticKernel?: Float64Array;
  readonly lambda0?: number;
  readonly bound?: number;
  /** phi values of the circle sweep, when configured. */
  readonly sweepPhis?: Float64Array;
  readonly sweepAnalytic?: Float64Array;
}

export type RunStatus = 'completed' | 'cancelled' | 'diverged';

export interface RunSummary {
  readonly status: RunStatus;
  readonly reason?: string;
  readonly stepsDone: number;
  readonly finalLoss: number;
  readonly finalAccuracy: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  /** lambda_min of the analytic kernel on the training set, and the paper's bound lambda_0 / (2 n^2). */
  readonly lambda0?: number;
  readonly bound?: number;
  readonly supMaxAbsDiffAnalytic?: number;
  /** First kernel step where max |K_t - K| reached the bound, if any. */
  readonly firstCrossStep?: number;
  readonly finalRelDrift?: number;
}

export interface TrainResult {
  readonly summary: RunSummary;
  readonly initialParams: ParamSet;
  readonly finalParams: ParamSet;
}

/**
 * How many steps to hand a multi-step engine at once: up to the next recorded step, sized so a call takes about a
 * second, which keeps progress and cancellation responsive while amortising the per-call cost (~8 ms for an ORT Loop).
 */
function createStepBatcher(targetMs = 1000, maxCount = 2000): { next(step: number, until: number): number; observe(count: number, ms: number): void } {
  let msPerStep = Infinity;
  return {
    next(step, until) {
      const budget = Number.isFinite(msPerStep) ? Math.max(1, Math.floor(targetMs / Math.max(msPerStep, 1e-3))) : 1;
      return Math.max(1, Math.min(until - step, budget, maxCount));
    },
    observe(count, ms) {
      msPerStep = ms / count;
    },
  };
}

/** Which training samples have their outputs and diagonals logged. */
function trackedSamples(config: RunConfig, n: number): number[] {
  const requested = config.logging.trackSamples ?? Array.from({ length: Math.min(n, 16) }, (_, i) => i);
  for (const i of requested) if (i >= n) throw new Error(`logging.trackSamples has ${i}, but the data has ${n} samples`);
  return requested;
}

/** The analytic kernel applies to the NTK parameterisation only; its spec mirrors the architecture. */
function analyticFor(config: RunConfig, a: Architecture): ((x1: Float64Array, n1: number, x2?: Float64Array, n2?: number) => Float64Array) | undefined {
  if (config.ntk.analytic === 'none' || a.parameterization !== 'ntk') return undefined;
  const spec =
    a.arch === 'fcn'
      ? { arch: 'fcn' as const, depth: a.widths.length, bias: a.bias, form: config.ntk.analytic }
      : { arch: 'resnet' as const, depth: a.depth, bias: true, alpha: a.alpha, form: config.ntk.analytic };
  return (x1, n1, x2, n2) => analyticNtk(spec, x1, n1, a.inputDim, x2, n2);
}

export async function runTraining(config: RunConfig, data: Dataset, engines: TrainEngines, callbacks: TrainCallbacks = {}, signal?: AbortSignal): Promise<TrainResult> {
  const k = outputsForLoss(config.loss, data.classes);
  const a = architectureFromConfig(config.model, data.d, k);
  const initialParams = initParams(a, config.seed);
  const tracked = trackedSamples(config, data.n);
  const mode = config.ntk.kernel;
  const rows = mode === 'full' ? data.n * k : data.n;
  const meanTrace = mode === 'trace' && config.ntk.traceNormalization === 'mean';
  const kernelOf = async (params: ParamSet, x1: Float64Array, n1: number, kind: KernelMode, x2?: Float64Array, n2?: number): Promise<Float64Array> => {
    const kernel =
      config.ntk.implementation === 'structured'
        ? await structuredNtk(engines.matmul, a, params, x1, n1, kind, x2, n2)
        : await genericNtk(engines.matmul, architectureModel(a), params, x1, n1, kind, x2, n2);
    return kind === 'trace' && meanTrace ? kernel.map((v) => v / k) : kernel;
  };

  const analytic = analyticFor(config, a);
  const analyticTrain = analytic?.(data.x, data.n);
  const analyticLaid = analyticTrain ? layoutAnalytic(analyticTrain, data.n, k, mode, config.ntk.traceNormalization) : undefined;
  const lambda0 = analyticLaid ? gramSpectrum(analyticLaid, rows, config.logging.fullSpectrumMax).lambdaMin : undefined;
  const bound = lambda0 !== undefined ? lambda0 / (2 * data.n * data.n) : undefined;

  const sweepCount = config.ntk.circleSweep;
  if (sweepCount > 0 && data.d !== 2) throw new Error(`ntk.circleSweep needs 2-d inputs; the data has d = ${data.d}`);
  const sweep = sweepCount > 0 ? circleSweep(sweepCount) : undefined;
  const sweepAnalyticRaw = sweep && analytic ? analytic(sweep.x1, 1, sweep.x2, sweepCount) : undefined;
  const sweepAnalytic = sweepAnalyticRaw?.map((v) => v * (meanTrace ? 1 : k));

  const metricSteps = new Set(scheduleSteps(config.logging.metrics, config.steps));
  const kernelSteps = new Set(scheduleSteps(config.logging.kernels, config.steps));
  const engine = await engines.createStepEngine({ architecture: a, params: initialParams, data, loss: config.loss, optimizer: config.optimizer, seed: config.seed });

  await callbacks.onStart?.({
    architecture: describeArchitecture(a),
    paramCount: paramCount(initialParams),
    outputs: k,
    stepEngine: engine.name,
    matmulEngine: engines.matmul.name,
    trackedSamples: tracked,
    metricSteps: new Set([...metricSteps, ...kernelSteps]).size,
    kernelSteps: kernelSteps.size,
    analyticKernel: analyticTrain,
    lambda0,
    bound,
    sweepPhis: sweep?.phis,
    sweepAnalytic,
  });

  const recorded = [...new Set([...metricSteps, ...kernelSteps])].sort((x, y) => x - y);
  let recordedCursor = 0;
  const nextRecorded = (step: number): number => {
    while (recordedCursor < recorded.length && recorded[recordedCursor] <= step) recordedCursor++;
    return recordedCursor < recorded.length ? recorded[recordedCursor] : config.steps;
  };
  const batcher = createStepBatcher();
  const started = performance.now();
  // Engines run synchronously; the host's timers, cancel messages and signals need a turn now and then.
  const pause = macrotaskYielder();
  let kernel0: Float64Array | undefined;
  let status: RunStatus = 'completed';
  let reason: string | undefined;
  let stepsDone = 0;
  let finalLoss = NaN;
  let finalAccuracy = NaN;
  let supDiff: number | undefined;
  let firstCross: number | undefined;
  let finalDrift: number | undefined;

  try {
    for (let step = 0; step <= config.steps; step++) {
      const isKernel = kernelSteps.has(step);
      if (isKernel || metricSteps.has(step)) {
        const params = await engine.readParams();
        const evaluation = await engine.evaluate();
        if (!Number.isFinite(evaluation.loss)) {
          status = 'diverged';
          reason = `loss became ${evaluation.loss} at step ${step}`;
          break;
        }
        const base = stepMetrics(step, evaluation.loss, evaluation.outputs, data.y, k, config.loss, tracked, params, initialParams);
        finalLoss = base.loss;
        finalAccuracy = base.accuracy;
        let kernelPart: Partial<KernelMetrics> = {};
        if (isKernel) {
          const kernel = await kernelOf(params, data.x, data.n, mode);
          kernel0 ??= kernel;
          const { eigenvalues, ...metrics } = kernelMetrics(kernel, rows, kernel0, analyticLaid, tracked, mode === 'full' ? k : 1, config.logging.fullSpectrumMax);
          kernelPart = metrics;
          finalDrift = metrics.relDrift;
          if (metrics.maxAbsDiffAnalytic !== undefined) {
            supDiff = Math.max(supDiff ?? 0, metrics.maxAbsDiffAnalytic);
            if (firstCross === undefined && bound !== undefined && metrics.maxAbsDiffAnalytic >= bound) firstCross = step;
          }
          const sweepKernel = sweep ? await kernelOf(params, sweep.x1, 1, 'trace', sweep.x2, sweepCount) : undefined;
          await callbacks.onKernel?.({ step, kind: mode, rows, kernel, eigenvalues, sweep: sweepKernel });
        }
        await callbacks.onMetrics?.({ ...base, ...kernelPart, kernelStep: isKernel, wallTime: (performance.now() - started) / 1000 });
      }
      if (step === config.steps) break;
      if (signal?.aborted) {
        status = 'cancelled';
        reason = `cancelled at step ${step}`;
        break;
      }
      const count = engine.steps ? batcher.next(step, nextRecorded(step)) : 1;
      const chunkStart = performance.now();
      const losses = count > 1 && engine.steps ? await engine.steps(count) : [await engine.step()];
      batcher.observe(count, performance.now() - chunkStart);
      const bad = losses.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        stepsDone = step + bad + 1;
        status = 'diverged';
        reason = `loss became ${losses[bad]} at step ${step + bad}`;
        break;
      }
      step += count - 1;
      stepsDone = step + 1;
      callbacks.onStep?.(step + 1, config.steps, losses[losses.length - 1]);
      await pause();
    }
    const finalParams = await engine.readParams();
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      summary: {
        status,
        reason,
        stepsDone,
        finalLoss,
        finalAccuracy,
        wallSeconds,
        stepsPerSecond: stepsDone / wallSeconds,
        lambda0,
        bound,
        supMaxAbsDiffAnalytic: supDiff,
        firstCrossStep: firstCross,
        finalRelDrift: finalDrift,
      },
      initialParams,
      finalParams,
    };
  } finally {
    engine.dispose();
  }
}
