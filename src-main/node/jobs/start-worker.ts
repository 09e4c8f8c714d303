// Starting a worker thread on one of the bundle's worker entries (job-worker: runs; task-worker: one-off model
// work), the same way from the built app and from source: the built .js next to the main bundle, or from source a
// tiny bootstrap that registers tsx's loader inside the worker first (Node 20 does not carry the parent's --import
// hooks into workers).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type WorkerEntry = 'job-worker' | 'task-worker';

const requireHere = createRequire(import.meta.url);

export function startWorker(entry: WorkerEntry, data: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData: data });
  const tsxApi = pathToFileURL(join(dirname(requireHere.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}
