// Worker-thread entry of a training job: opens its own connection to the workspace store, runs the job, and
// streams progress, committed metric points, kernel notices and status changes to the host. Cancel is cooperative
// (an AbortSignal checked between steps), so the store is never left inside a transaction.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/store';
import { runTrainJob } from './train-job';
import type { HostToWorker, TrainWorkerData, WorkerToHost } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');
const { storePath, runId, engine } = workerData as TrainWorkerData;
const controller = new AbortController();
port.on('message', (message: HostToWorker) => {
  if (message.type === 'cancel') controller.abort();
});
const post = (message: WorkerToHost) => port.postMessage(message);
const store = openStore(storePath);
try {
  await runTrainJob(store, runId, {
    engine,
    signal: controller.signal,
    listener: {
      onProgress: (progress) => post({ type: 'progress', progress }),
      onPoints: (points) => post({ type: 'points', points }),
      onKernel: (step) => post({ type: 'kernel', step }),
      onStatus: (status, error) => post({ type: 'status', status, error }),
    },
  });
} finally {
  store.close();
  port.close();
}
