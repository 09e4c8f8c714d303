// Worker-thread entry of a job (a training run or a checkpoint-series import): opens its own connection to the
// workspace store, runs the job its run's kind names, and streams progress, committed metric points, kernel notices
// and status changes to the host. Cancel is cooperative (an AbortSignal), so the store is never left mid-transaction.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/store';
import { runImportJob } from './import-job';
import { runTrainJob } from './train-job';
import type { HostToWorker, TrainWorkerData, WorkerToHost } from './worker-messages';

type WorkerProgress = Extract<WorkerToHost, { type: 'progress' }>['progress'];
type WorkerPoints = Extract<WorkerToHost, { type: 'points' }>['points'];
type WorkerStatus = Extract<WorkerToHost, { type: 'status' }>;

const port = parentPort;
if (!port) throw new Error('job-worker must run in a worker thread');
const { storePath, runId, engine } = workerData as TrainWorkerData;
const controller = new AbortController();
port.on('message', (message: HostToWorker) => {
  if (message.type === 'cancel') controller.abort();
});
const post = (message: WorkerToHost) => port.postMessage(message);
const store = openStore(storePath);
const listener = {
  onProgress: (progress: WorkerProgress) => post({ type: 'progress', progress }),
  onPoints: (points: WorkerPoints) => post({ type: 'points', points }),
  onKernel: (step: number) => post({ type: 'kernel', step }),
  onStatus: (status: WorkerStatus['status'], error: WorkerStatus['error']) => post({ type: 'status', status, error }),
};
try {
  if (store.runs.get(runId).kind === 'import') await runImportJob(store, runId, { signal: controller.signal, listener });
  else await runTrainJob(store, runId, { engine, signal: controller.signal, listener });
} finally {
  store.close();
  port.close();
}
