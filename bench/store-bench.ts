// The store: one run with 10^5 metric points (10 metrics x 10^4 steps) written in batches as a training loop would
// and read back as columns; the cost of one commit; a 1000 x 1000 kernel; a project bundle round trip.
// Figures, not assertions. Standalone: node --import tsx bench/store-bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, type Store } from '../src-main/node/store/store';
import type { MetricRow } from '../src-main/node/store/types';
import { createStandInRun } from '../test/helpers/stand-in-run';
import { medianSeconds, printTable, type Row } from './measure';

const METRICS = 10;
const STEPS = 10_000;
const NAMES = Array.from({ length: METRICS }, (_, i) => (i === 0 ? 'loss' : `metric${i}`));

function batch(from: number, to: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let step = from; step < to; step++) for (const name of NAMES) rows.push({ step, wallTime: step * 1e-3, name, value: Math.sin(step + name.length) });
  return rows;
}

/** A fresh run filled with 10^5 points in batches of `batchSteps` steps (one transaction each). */
function writeRun(store: Store, projectId: number, batchSteps: number): number {
  const runId = createStandInRun(store, projectId).id;
  store.runs.markRunning(runId);
  for (let from = 0; from < STEPS; from += batchSteps) store.metrics.append(runId, batch(from, Math.min(STEPS, from + batchSteps)));
  store.runs.markDone(runId);
  return runId;
}

export async function benchStore(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-store-bench-'));
  const store = openStore(join(dir, 'workbench.sqlite'));
  const rows: Row[] = [];
  const section = 'store';
  const points = METRICS * STEPS;
  try {
    const project = store.projects.create('bench');
    let runId = 0;
    for (const batchSteps of [1000, 100]) {
      const { median, runs } = await medianSeconds(async () => (runId = writeRun(store, project.id, batchSteps)), { warmupSeconds: 0, minRuns: 3, budgetSeconds: 6 });
      const commits = STEPS / batchSteps;
      rows.push({ section, case: `write 10^5 points, ${commits} commits of ${batchSteps * METRICS}`, engine: 'node-sqlite3-wasm', seconds: median, note: `${((median / points) * 1e6).toFixed(1)} us/point, median of ${runs}` });
    }
    const commitRun = createStandInRun(store, project.id).id;
    let step = 0;
    const commit = await medianSeconds(async () => store.metrics.append(commitRun, batch(step, ++step)), { warmupSeconds: 0.2, minRuns: 20, budgetSeconds: 2 });
    rows.push({ section, case: 'one commit of 1 step (10 points)', engine: 'node-sqlite3-wasm', seconds: commit.median, note: `rollback journal, synchronous=FULL; median of ${commit.runs}` });

    const readAll = await medianSeconds(async () => store.metrics.read(runId), { warmupSeconds: 0.2, minRuns: 5, budgetSeconds: 3 });
    rows.push({ section, case: 'read 10^5 points (10 Float64 columns)', engine: 'node-sqlite3-wasm', seconds: readAll.median });
    const readOne = await medianSeconds(async () => store.metrics.read(runId, { names: ['loss'] }), { warmupSeconds: 0.2, minRuns: 5, budgetSeconds: 2 });
    rows.push({ section, case: 'read one metric (10^4 points)', engine: 'node-sqlite3-wasm', seconds: readOne.median });
    const readTail = await medianSeconds(async () => store.metrics.read(runId, { fromStep: STEPS - 100 }), { warmupSeconds: 0.2, minRuns: 5, budgetSeconds: 2 });
    rows.push({ section, case: 'read the last 100 steps of 10 metrics', engine: 'node-sqlite3-wasm', seconds: readTail.median });

    const n = 1000;
    const kernel = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i));
    let kernelStep = 0;
    const put = await medianSeconds(async () => store.kernels.put(runId, { step: kernelStep++, kind: 'full', rows: n, data: kernel }), { warmupSeconds: 0, minRuns: 3, budgetSeconds: 3 });
    rows.push({ section, case: `put kernel ${n} x ${n} float64 (8 MB)`, engine: 'node-sqlite3-wasm', seconds: put.median });
    const get = await medianSeconds(async () => store.kernels.get(runId, 0, 'full'), { warmupSeconds: 0.2, minRuns: 3, budgetSeconds: 3 });
    rows.push({ section, case: `get kernel ${n} x ${n} float64 (8 MB)`, engine: 'node-sqlite3-wasm', seconds: get.median });

    // A project as a user would share it: one run of 10^5 points and one 8 MB kernel.
    const shared = store.projects.create('shared');
    const sharedRun = writeRun(store, shared.id, 1000);
    store.kernels.put(sharedRun, { step: 0, kind: 'full', rows: n, data: kernel });
    const bundle = join(dir, 'bench.ntkproject');
    const t0 = performance.now();
    const exported = store.exportProject(shared.id, bundle);
    const t1 = performance.now();
    const imported = store.importProject(bundle);
    const t2 = performance.now();
    rows.push({ section, case: `export project (${exported.runs} run: 10^5 points, 1 kernel)`, engine: 'node-sqlite3-wasm', seconds: (t1 - t0) / 1000, note: `${(exported.bytes / 1e6).toFixed(1)} MB bundle` });
    rows.push({ section, case: `import project (${imported.runs} run)`, engine: 'node-sqlite3-wasm', seconds: (t2 - t1) / 1000 });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) printTable(await benchStore());
