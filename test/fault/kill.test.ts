// Fault class: kill -9. The CLI, the server (`serve`, with its run in a worker thread) and worker threads (a real
// training job's, and cheaper metric writers) are killed at seeded random moments while a run streams; each kill must
// leave a database that opens and checks ok, the run 'interrupted', and every metric a reader saw committed before
// the kill. Points: 4 + 4 + (3 + 9) = 20.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigOf } from '../../src-main/node/config-file';
import { recoverDeadWorker } from '../../src-main/node/jobs/dead-worker';
import { startWorker } from '../../src-main/node/jobs/start-worker';
import type { TrainWorkerData, WorkerToHost } from '../../src-main/node/jobs/worker-messages';
import { openStore, type Store } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { expectRecovered, seededRandom, type SeenSteps, sleep, spawnCli, STREAMING_CONFIG, stepsOf, until } from './fault-helpers';
import { createStandInRun } from '../helpers/stand-in-run';

const SEED = 9;
const random = seededRandom(SEED);
/** How long after the run started streaming the kill lands (ms). */
const killDelay = () => Math.floor(random() * 1500);

const dirs: string[] = [];
const freshDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Slow machines (CI shares its CPUs) need minutes for a dozen process starts; the work itself is short. */
const TIMEOUT_MS = 300_000;

/** The metric-writer thread (fixtures/writer-thread.ts), with tsx's loader registered inside it as start-worker.ts does. */
function startWriterThread(data: { storePath: string; runId: number }): Worker {
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const source = new URL('./fixtures/writer-thread.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`, { eval: true, workerData: data });
}

/** What a second client of the workspace sees committed for the run right now. */
function seenInStore(workspaceDir: string, runId: number): SeenSteps {
  const store = openStore(storePathIn(workspaceDir));
  try {
    return stepsOf(store.metrics.read(runId));
  } finally {
    store.close();
  }
}

/** Terminates a writing thread mid-run, recovers as the job queue does, and checks the run against what was seen. */
async function terminateAndRecover(store: Store, workspace: string, worker: Worker, runId: number, point: number): Promise<void> {
  const threadId = worker.threadId;
  const seen = stepsOf(store.metrics.read(runId));
  await worker.terminate();
  // What the job queue does when a worker ends without a final status.
  expect(recoverDeadWorker(store, threadId)).toEqual([runId]);
  // The host's own connection can still write at once: the thread's locks went with it.
  store.runs.setNotes(runId, `killed at point ${point}`);
  expectRecovered(workspace, runId, seen);
}

describe(`kill -9 at seeded random points (seed ${SEED})`, () => {
  it('the CLI (4 points, one workspace)', { timeout: TIMEOUT_MS }, async () => {
    const workspace = freshDir('ntk-fault-cli-');
    const config = join(workspace, 'run.json');
    writeFileSync(config, JSON.stringify(STREAMING_CONFIG));
    for (let point = 0; point < 4; point++) {
      const cli = spawnCli(['train', '--config', config, '--out', join(workspace, `out-${point}`), '--workspace', workspace, '--project', 'kills', '--quiet']);
      const runId = await until(() => {
        const store = openStore(storePathIn(workspace));
        try {
          const project = store.projects.find('kills');
          return project ? store.runs.list(project.id, { status: ['running'] })[0]?.id : undefined;
        } finally {
          store.close();
        }
      }, `the CLI's run ${point} to start (${cli.output()})`, TIMEOUT_MS / 4);
      await sleep(killDelay());
      const seen = seenInStore(workspace, runId);
      cli.child.kill('SIGKILL');
      expect((await cli.exit).signal).toBe('SIGKILL');
      expectRecovered(workspace, runId, seen);
    }
  });

  it('the server, with its run in a worker thread (4 points)', { timeout: TIMEOUT_MS }, async () => {
    const workspace = freshDir('ntk-fault-serve-');
    for (let point = 0; point < 4; point++) {
      const serve = spawnCli(['serve', '--workspace', workspace]);
      const url = new URL(await until(() => /Open (http:\S+)/.exec(serve.output())?.[1], `serve to print its URL (${serve.output()})`, TIMEOUT_MS / 4));
      const call = async <T>(path: string, body: unknown) => {
        const response = await fetch(`${url.origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${url.searchParams.get('token')}` }, body: JSON.stringify(body) });
        const result = (await response.json()) as { ok: boolean; value: T; message?: string };
        if (!result.ok) throw new Error(`${path}: ${result.message}`);
        return result.value;
      };
      const project = point === 0 ? await call<{ id: number }>('projects/create', { name: 'kills' }) : { id: 1 };
      const run = await call<{ id: number }>('runs/start', { projectId: project.id, config: STREAMING_CONFIG });
      await until(async () => ((await call<{ status: string }>('runs/get', { id: run.id })).status === 'running' ? true : undefined), `server run ${point} to start`, TIMEOUT_MS / 4);
      await sleep(killDelay());
      const { series } = await call<{ series: Record<string, { steps: number[] }> }>('runs/metrics', { id: run.id });
      serve.child.kill('SIGKILL');
      expect((await serve.exit).signal).toBe('SIGKILL');
      expectRecovered(workspace, run.id, stepsOf(series));
    }
  });

  it("a training job's worker thread, its host living on (3 points)", { timeout: TIMEOUT_MS }, async () => {
    const workspace = freshDir('ntk-fault-worker-');
    const store = openStore(storePathIn(workspace));
    try {
      const project = store.projects.create('kills');
      for (let point = 0; point < 3; point++) {
        const run = store.runs.create(project.id, { kind: 'train', config: parseConfigOf('train', STREAMING_CONFIG) });
        // Pure JavaScript engines: terminating a thread inside a native addon's call (tfjs-node, onnxruntime-node) can
        // abort the whole process, which is the addon's limit, not the store's.
        const backend = process.env.NTK_BACKEND;
        process.env.NTK_BACKEND = 'cpu';
        const worker = startWorker('job-worker', { storePath: store.path, runId: run.id, engine: 'tfjs' } satisfies TrainWorkerData);
        if (backend === undefined) delete process.env.NTK_BACKEND;
        else process.env.NTK_BACKEND = backend;
        let committed = false;
        worker.on('message', (message: WorkerToHost) => {
          if (message.type === 'points') committed = true;
        });
        await until(() => (committed ? true : undefined), `worker run ${point} to commit`, TIMEOUT_MS / 4);
        await sleep(killDelay());
        await terminateAndRecover(store, workspace, worker, run.id, point);
      }
    } finally {
      store.close();
    }
  });

  it('a metric-writing worker thread, its host living on (9 points)', { timeout: TIMEOUT_MS }, async () => {
    const workspace = freshDir('ntk-fault-thread-');
    const store = openStore(storePathIn(workspace));
    try {
      const project = store.projects.create('kills');
      for (let point = 0; point < 9; point++) {
        const run = createStandInRun(store, project.id, `point ${point}`);
        const worker = startWriterThread({ storePath: store.path, runId: run.id });
        let committed = -1;
        worker.on('message', (step: number) => (committed = step));
        await until(() => (committed >= 0 ? true : undefined), `writer thread ${point} to commit`, TIMEOUT_MS / 4);
        await sleep(killDelay() / 3);
        await terminateAndRecover(store, workspace, worker, run.id, point);
      }
    } finally {
      store.close();
    }
  });
});
