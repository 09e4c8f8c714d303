// Runs one task in a fresh task-worker thread and answers its value, or throws its coded failure; a worker that
// dies without answering (out of memory, a native crash) becomes an 'internal' error instead of a hung request.
import { CodedError } from '../../contract/result';
import { startWorker } from './start-worker';
import type { TaskOutcome, TaskWorkerData, WorkerTask } from './worker-messages';

export function runTask<T>(task: WorkerTask): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker('task-worker', { task } satisfies TaskWorkerData);
    let answered = false;
    worker.once('message', (outcome: TaskOutcome) => {
      answered = true;
      if (outcome.ok) resolve(outcome.value as T);
      else reject(new CodedError(outcome.code, outcome.message));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(new CodedError('internal', `the ${task.kind} worker failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new CodedError('internal', `the ${task.kind} worker exited (code ${code}) without an answer`));
    });
  });
}
