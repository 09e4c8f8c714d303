// One run's lifecycle in the workspace store, the same for every kind and host (a training or import job in a
// worker, a CLI run recorded in the workspace): queued -> running with the backend and what is known at the start,
// progress notices, and exactly one end: done, cancelled, or failed with a coded error. Each change is committed
// before the listener hears of it, so a late subscriber never misses a state it was told about.
import type { MetricPointDto, ProgressDto } from '../../contract/api';
import { type ErrorCode, failureOf } from '../../contract/result';
import type { Store } from '../store/store';
import type { RunBackend, RunId, RunState } from '../store/types';
import type { RunProgress } from './progress-meter';

export interface RunListener {
  onProgress?(progress: ProgressDto): void;
  onPoints?(points: MetricPointDto[]): void;
  onKernel?(step: number): void;
  onStatus?(status: RunState, error: { code: ErrorCode; message: string } | null): void;
}

export type RunOutcome = { readonly status: 'done' | 'cancelled' } | { readonly status: 'failed'; readonly error: { code: ErrorCode; message: string } };

export interface RunLifecycle {
  readonly runId: RunId;
  /** queued -> running, with the backend and the summary known at the start. */
  running(backend: RunBackend, summary?: object): void;
  progress(progress: RunProgress): void;
  /** The run's end, with its summary. */
  end(outcome: RunOutcome, summary: object): void;
  /** The failure path: the error as a coded failure; nothing happens to a run that has already ended. */
  fail(error: unknown): void;
}

export function createRunLifecycle(store: Store, runId: RunId, listener: RunListener = {}): RunLifecycle {
  let ended = false;
  return {
    runId,
    running(backend, summary) {
      store.runs.markRunning(runId, backend, summary);
      listener.onStatus?.('running', null);
    },
    progress(progress) {
      listener.onProgress?.({ runId, ...progress });
    },
    end(outcome, summary) {
      const error = outcome.status === 'failed' ? outcome.error : null;
      if (error) store.runs.markFailed(runId, error, summary);
      else if (outcome.status === 'done') store.runs.markDone(runId, summary);
      else store.runs.markCancelled(runId, summary);
      ended = true;
      listener.onStatus?.(outcome.status, error);
    },
    fail(error) {
      if (ended) return;
      ended = true;
      const failure = failureOf(error);
      store.runs.markFailed(runId, failure);
      listener.onStatus?.('failed', failure);
    },
  };
}

/** Runs a job's body and turns anything it throws into the run's failure (jobs never throw for a failed run). */
export async function guardRun<T>(failer: { fail(error: unknown): void }, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    failer.fail(error);
    return undefined;
  }
}
