// The job queue of a host (training and import runs): runs start in worker threads (never on the thread that serves the UI or the API),
// at most `concurrency` at once, in order; cancel is cooperative for running jobs and immediate for queued ones.
// Worker messages become API events; a worker that dies is recorded as a failed run.
import type { Worker } from 'node:worker_threads';
import type { Events, EventName, ProgressDto } from '../../contract/api';
import { isTerminalRunState } from '../../contract/records';
import type { EngineChoice } from '../engines';
import type { Store } from '../store/store';
import type { RunId } from '../store/types';
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

  const pump = () => {
    while (!closing && running.size < concurrency && waiting.length > 0) launch(waiting.shift() as RunId);
  };

  const launch = (runId: RunId) => {
    const worker = startWorker('job-worker', { storePath: store.path, runId, engine: options.engine ?? 'auto' } satisfies TrainWorkerData);
    const entry = { worker, done: Promise.resolve(), finalStatus: false };
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
      worker.on('exit', (code) => {
        if (!entry.finalStatus) recordCrash(runId, entry, `the training worker exited with code ${code}`);
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

  return {
    concurrency,
    enqueue(runId) {
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
