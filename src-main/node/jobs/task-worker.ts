// Worker-thread entry for one-off work the API asks for (inspecting an ONNX checkpoint translates it with tfjs;
// a report renders every chart): it runs one task on its own backend, posts a Result and exits, so the thread serving the UI and the API
// never parses or translates a model.
import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from '../../contract/result';
import { initBackend } from '../backend';
import { inspectImport } from '../onnx/import/inspect-import';
import { exportReportTask } from '../report/report-task';
import { reproducePanelsTask } from '../reproduce/reproduce-app';
import type { TaskOutcome, TaskWorkerData } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('task-worker must run in a worker thread');
const { task } = workerData as TaskWorkerData;
try {
  let value: unknown;
  if (task.kind === 'imports:inspect') {
    await initBackend('auto');
    value = await inspectImport(task.request);
  } else if (task.kind === 'reproduce:panels') value = await reproducePanelsTask(task.workspaceDir, task.request);
  else value = await exportReportTask(task.workspaceDir, task.request);
  port.postMessage({ ok: true, value } satisfies TaskOutcome);
} catch (error) {
  port.postMessage({ ok: false, ...failureOf(error) } satisfies TaskOutcome);
} finally {
  port.close();
}
