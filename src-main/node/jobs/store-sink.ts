// The workspace store as a sink of a training run: marks it running with the backend, records metrics and
// kernels through the batching recorder, stores the parameters, and closes the run with the right status.
import type { MetricPointDto, ProgressDto } from '../../contract/api';
import { type ErrorCode, failureOf } from '../../contract/result';
import type { RunConfig } from '../../contract/run-config';
import type { TrainCallbacks, TrainResult } from '../../core/train/train-types';
import type { Store } from '../store/store';
import type { RunId, RunState } from '../store/types';
import type { TrainSetup } from '../train-setup';
import { encodeParamsArtifact } from './params-artifact';
import { createStoreRecorder } from './store-recorder';

export interface RunListener {
  onProgress?(progress: ProgressDto): void;
  onPoints?(points: MetricPointDto[]): void;
  onKernel?(step: number): void;
  onStatus?(status: RunState, error: { code: ErrorCode; message: string } | null): void;
}

export interface StoreSink {
  callbacks: TrainCallbacks;
  finish(result: TrainResult): void;
  fail(error: unknown): void;
}

/**
 * The callbacks that record a run; it becomes 'running' when training starts, with what is known then (engines,
 * lambda_0 and the bound, the analytic sweep) already in its summary, so live views can draw the bound. Progress is
 * throttled to about 10 Hz.
 */
export function createStoreSink(store: Store, runId: RunId, config: RunConfig, setup: TrainSetup, listener: RunListener = {}): StoreSink {
  const recorder = createStoreRecorder(store, runId, listener);
  const started = Date.now();
  // Kept from the start of the run for its summary: the analytic circle sweep is what Fig. 2/3 charts compare with.
  let sweep: { sweepPhis?: number[]; sweepAnalytic?: number[] } = {};
  let lastProgress = 0;
  const callbacks: TrainCallbacks = {
    onStart: (info) => {
      recorder.start(info);
      sweep = { sweepPhis: info.sweepPhis && Array.from(info.sweepPhis), sweepAnalytic: info.sweepAnalytic && Array.from(info.sweepAnalytic) };
      const { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound } = info;
      const backend = { ...setup.backend, workbenchVersion: setup.meta.workbenchVersion, dataset: setup.meta.dataset };
      store.runs.markRunning(runId, backend, { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound, ...sweep });
      listener.onStatus?.('running', null);
    },
    onMetrics: (record) => recorder.metrics(record),
    onKernel: (snapshot) => recorder.kernel(snapshot, config.logging.saveKernels),
    onStep: (step, total, loss) => {
      recorder.tick();
      const now = Date.now();
      if (now - lastProgress < 100 && step !== total) return;
      lastProgress = now;
      const elapsedSeconds = (now - started) / 1000;
      listener.onProgress?.({ runId, step, total, loss: Number.isFinite(loss) ? loss : null, elapsedSeconds, etaSeconds: step > 0 ? (elapsedSeconds / step) * (total - step) : null });
    },
  };
  return {
    callbacks,
    finish(result) {
      recorder.flush();
      for (const [name, params] of [['params/initial', result.initialParams], ['params/final', result.finalParams]] as const) {
        const { bytes, meta } = encodeParamsArtifact(params);
        store.artifacts.put(runId, { name, kind: 'params', bytes, meta: { ...meta } });
      }
      const started = store.runs.get(runId).summary ?? {};
      const summary = { ...started, ...result.summary, ...sweep, finishedAt: new Date().toISOString() };
      if (result.summary.status === 'completed') {
        store.runs.markDone(runId, summary);
        listener.onStatus?.('done', null);
      } else if (result.summary.status === 'cancelled') {
        store.runs.markCancelled(runId, summary);
        listener.onStatus?.('cancelled', null);
      } else {
        const error = { code: 'train/non-finite' as const, message: result.summary.reason ?? 'the loss became non-finite' };
        store.runs.markFailed(runId, error, summary);
        listener.onStatus?.('failed', error);
      }
    },
    fail(error) {
      try {
        recorder.flush();
      } catch {
        // The original error matters more than a failed final flush.
      }
      const coded = failureOf(error);
      store.runs.markFailed(runId, coded);
      listener.onStatus?.('failed', coded);
    },
  };
}
