// The workspace store as a sink of a training run: marks it running with the backend, records metrics and
// kernels through the batching recorder, reports progress with an ETA, stores the parameters, and ends the run
// through its lifecycle (run-lifecycle.ts) with the status the training result calls for.
import type { RunConfig } from '../../contract/run-config';
import type { RunSummary, TrainCallbacks, TrainResult } from '../../core/train/train-types';
import type { Store } from '../store/store';
import type { TrainSetup } from '../train-setup';
import { encodeParamsArtifact } from './params-artifact';
import { createProgressMeter, recordPlanOf } from './progress-meter';
import type { RunLifecycle, RunListener, RunOutcome } from './run-lifecycle';
import { createStoreRecorder } from './store-recorder';

export interface StoreSink {
  callbacks: TrainCallbacks;
  finish(result: TrainResult): void;
  fail(error: unknown): void;
}

/** A training result as the run's end: a diverged run fails with train/non-finite and its reason. */
export function outcomeOf(summary: RunSummary): RunOutcome {
  if (summary.status === 'completed') return { status: 'done' };
  if (summary.status === 'cancelled') return { status: 'cancelled' };
  return { status: 'failed', error: { code: 'train/non-finite', message: summary.reason ?? 'the loss became non-finite' } };
}

/**
 * The callbacks that record a run; it becomes 'running' when training starts, with what is known then (engines,
 * lambda_0 and the bound, the analytic sweep) already in its summary, so live views can draw the bound.
 */
export function createStoreSink(store: Store, lifecycle: RunLifecycle, config: RunConfig, setup: TrainSetup, listener: RunListener = {}): StoreSink {
  const recorder = createStoreRecorder(store, lifecycle.runId, listener);
  const meter = createProgressMeter(lifecycle.progress, { total: config.steps, plan: recordPlanOf(config) });
  // Kept from the start of the run for its summary: the analytic circle sweep is what Fig. 2/3 charts compare with.
  let sweep: { sweepPhis?: number[]; sweepAnalytic?: number[] } = {};
  const callbacks: TrainCallbacks = {
    onStart: (info) => {
      recorder.start(info);
      sweep = { sweepPhis: info.sweepPhis && Array.from(info.sweepPhis), sweepAnalytic: info.sweepAnalytic && Array.from(info.sweepAnalytic) };
      const { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound } = info;
      const backend = { ...setup.backend, workbenchVersion: setup.meta.workbenchVersion, dataset: setup.meta.dataset };
      lifecycle.running(backend, { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound, ...sweep });
      meter.start();
    },
    onMetrics: (record) => {
      recorder.metrics(record);
      meter.recorded(record.step, record.kernelStep);
    },
    onKernel: (snapshot) => recorder.kernel(snapshot, config.logging.saveKernels),
    onStep: (step, _total, loss) => {
      recorder.tick();
      meter.step(step, loss);
    },
  };
  return {
    callbacks,
    finish(result) {
      recorder.flush();
      for (const [name, params] of [['params/initial', result.initialParams], ['params/final', result.finalParams]] as const) {
        const { bytes, meta } = encodeParamsArtifact(params);
        store.artifacts.put(lifecycle.runId, { name, kind: 'params', bytes, meta: { ...meta } });
      }
      const started = store.runs.get(lifecycle.runId).summary ?? {};
      lifecycle.end(outcomeOf(result.summary), { ...started, ...result.summary, ...sweep, finishedAt: new Date().toISOString() });
    },
    fail(error) {
      try {
        recorder.flush();
      } catch {
        // The original error matters more than a failed final flush.
      }
      lifecycle.fail(error);
    },
  };
}
