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

/**
 * The built worker entry: beside index.js and cli.js. This module may itself be bundled into the build's shared
 * chunks/ folder (electron.vite.config.ts names it), one level below the entries.
 */
function builtEntry(entry: WorkerEntry): URL {
  const here = new URL('.', import.meta.url);
  return new URL(here.pathname.endsWith('/chunks/') ? `../${entry}.js` : `./${entry}.js`, here);
}

export function startWorker(entry: WorkerEntry, data: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(builtEntry(entry), { workerData: data });
  const tsxApi = pathToFileURL(join(dirname(requireHere.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}
