// The job queue of a host (training and import runs): runs start in worker threads (never on the thread that serves the UI or the API),
// at most `concurrency` at once, in order; cancel is cooperative for running jobs and immediate for queued ones.
// A queued run is recorded as this host's (its runner), so that a host starting after a crash can take it over; a run
// cancelled in the store meanwhile (by another host) is skipped rather than started.
// Worker messages become API events; a worker that throws is recorded as a failed run, one that ends without a
// final status (terminated, killed) as an interrupted one, its locks on the workspace released (dead-worker.ts).
import type { Worker } from 'node:worker_threads';
import type { Events, EventName, ProgressDto } from '../../contract/api';
import { isTerminalRunState } from '../../contract/records';
import type { EngineChoice } from '../engines';
import type { Store } from '../store/store';
import type { RunId } from '../store/types';
import { recoverDeadWorker } from './dead-worker';
import { startWorker } from './start-worker';
import type { HostToWorker, TrainWorkerData, WorkerToHost } from './worker-messages';

export interface JobQueue {
  enqueue(runId: RunId): void;
  /** True when the run was queued or running here. */
  cancel(runId: RunId): boolean;
  progress(runId: RunId): ProgressDto | undefined;
  isActive(runId: RunId): boolean;
  readonly concurrency: number;
  /** Cancels everything and waits for running workers to finish their clean stop. */
  close(): Promise<void>;
}

export interface JobQueueOptions {
  readonly store: Store;
  readonly concurrency?: number;
  readonly engine?: EngineChoice;
  readonly emit: <E extends EventName>(event: E, payload: Events[E]) => void;
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { store, emit } = options;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const waiting: RunId[] = [];
  const running = new Map<RunId, { worker: Worker; done: Promise<void>; finalStatus: boolean }>();
  const latest = new Map<RunId, ProgressDto>();
  let closing = false;

  const stillQueued = (runId: RunId) => {
    try {
      return store.runs.get(runId).status === 'queued';
    } catch {
      return false;
    }
  };

  const pump = () => {
    while (!closing && running.size < concurrency && waiting.length > 0) {
      const runId = waiting.shift() as RunId;
      if (stillQueued(runId)) launch(runId);
    }
  };

  const launch = (runId: RunId) => {
    const worker = startWorker('job-worker', { storePath: store.path, runId, engine: options.engine ?? 'auto' } satisfies TrainWorkerData);
    const entry = { worker, done: Promise.resolve(), finalStatus: false };
    // Read now: a Worker's threadId reads -1 once the thread has stopped.
    const threadId = worker.threadId;
    entry.done = new Promise<void>((resolve) => {
      worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'progress') {
          latest.set(runId, message.progress);
          emit('runs:progress', message.progress);
        } else if (message.type === 'points') emit('runs:metrics', { runId, points: message.points });
        else if (message.type === 'kernel') emit('runs:kernel', { runId, step: message.step });
        else {
          if (isTerminalRunState(message.status)) entry.finalStatus = true;
          emit('runs:status', { runId, status: message.status, error: message.error });
        }
      });
      worker.on('error', (error) => recordCrash(runId, entry, error.message));
      worker.on('exit', () => {
        if (!entry.finalStatus) recordInterrupted(runId, entry, threadId);
        running.delete(runId);
        latest.delete(runId);
        resolve();
        pump();
      });
    });
    running.set(runId, entry);
  };

  const recordCrash = (runId: RunId, entry: { finalStatus: boolean }, message: string) => {
    if (entry.finalStatus) return;
    entry.finalStatus = true;
    const error = { code: 'internal' as const, message };
    try {
      store.runs.markFailed(runId, error);
    } catch {
      // The run may already be closed by the worker; the event still tells clients.
    }
    emit('runs:status', { runId, status: 'failed', error });
  };

  const recordInterrupted = (runId: RunId, entry: { finalStatus: boolean }, threadId: number) => {
    entry.finalStatus = true;
    try {
      recoverDeadWorker(store, threadId);
      const run = store.runs.get(runId);
      emit('runs:status', { runId, status: run.status, error: run.error ? { code: run.error.code ?? 'internal', message: run.error.message } : null });
    } catch (error) {
      emit('runs:status', { runId, status: 'failed', error: { code: 'internal', message: `the training worker ended without finishing: ${(error as Error).message}` } });
    }
  };

  return {
    concurrency,
    enqueue(runId) {
      store.runs.claimQueued(runId);
      waiting.push(runId);
      pump();
    },
    cancel(runId) {
      const index = waiting.indexOf(runId);
      if (index >= 0) {
        waiting.splice(index, 1);
        store.runs.markCancelled(runId);
        emit('runs:status', { runId, status: 'cancelled', error: null });
        return true;
      }
      const entry = running.get(runId);
      if (!entry) return false;
      entry.worker.postMessage({ type: 'cancel' } satisfies HostToWorker);
      return true;
    },
    progress: (runId) => latest.get(runId),
    isActive: (runId) => running.has(runId) || waiting.includes(runId),
    async close() {
      closing = true;
      for (const runId of [...waiting]) this.cancel(runId);
      for (const entry of running.values()) entry.worker.postMessage({ type: 'cancel' } satisfies HostToWorker);
      await Promise.all([...running.values()].map((e) => e.done));
    },
  };
}
