// Fault class: the disk fills up (a file-size limit, `ulimit -f` in bash, in a child process) during a metrics batch,
// a kernel snapshot, a project export and a bundle import. Each must fail with 'store/io' and corrupt nothing: the
// workspace checks ok and holds exactly what it held plus the later small writes, the exported-from database is
// byte for byte the same, and no partial bundle or import copy is left behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import { bashChildLines } from './fault-helpers';
import { createStandInRun } from '../helpers/stand-in-run';

const child = fileURLToPath(new URL('./fixtures/disk-full-child.ts', import.meta.url));
const LIMIT_KIB = 8192;
const dir = mkdtempSync(join(tmpdir(), 'ntk-fault-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A workspace with one project holding one run with a `rows` x `rows` kernel (and a few metric points). */
function workspaceWith(file: string, project: string, rows: number): number {
  const store = openStore(file);
  try {
    const runId = createStandInRun(store, store.projects.create(project).id).id;
    store.metrics.append(runId, [0, 1, 2].map((step) => ({ step, wallTime: step, name: 'loss', value: 1 / (step + 1) })));
    store.kernels.put(runId, { step: 0, kind: 'full', rows, data: new Float64Array(rows * rows).fill(1) });
    return runId;
  } finally {
    store.close();
  }
}

describe.skipIf(process.platform === 'win32')('disk full (ulimit -f)', () => {
  it('metrics, kernels, export and import each fail with store/io and corrupt nothing', async () => {
    const workspace = join(dir, 'workspace.sqlite');
    const exportFrom = join(dir, 'other.sqlite');
    const bundle = join(dir, 'small.ntkproject');
    const target = join(dir, 'exports', 'big.ntkproject');
    // About 5 MB: a 4 MB import or any of the big writes takes it past the 8 MiB limit.
    const runId = workspaceWith(workspace, 'full', 800);
    // A 9.7 MB kernel: its bundle cannot be written under the limit (reading the file is fine).
    workspaceWith(exportFrom, 'big', 1100);
    const bundleSource = openStore(join(dir, 'bundle-source.sqlite'));
    try {
      const id = createStandInRun(bundleSource, bundleSource.projects.create('small').id).id;
      bundleSource.kernels.put(id, { step: 0, kind: 'full', rows: 700, data: new Float64Array(700 * 700).fill(3) });
      bundleSource.exportProject(bundleSource.projects.find('small')!.id, bundle);
    } finally {
      bundleSource.close();
    }
    const exportFromBytes = readFileSync(exportFrom);

    const lines = await bashChildLines(`ulimit -f ${LIMIT_KIB} && exec "${process.execPath}" --import tsx "${child}" "$@"`, [workspace, exportFrom, bundle, target]);
    for (const phase of ['metrics', 'kernels', 'export', 'import']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${phase} store/io .*(disk|EFBIG|too large|full)`, 'i')));
      expect(lines).toContain(`${phase} then appended`);
    }
    expect(lines).toContainEqual(expect.stringContaining(`export store/io cannot write the bundle ${target}`));

    const store = openStore(workspace);
    try {
      expect(store.check()).toEqual(['ok']);
      expect(store.projects.list().map((p) => p.name)).toEqual(['full']);
      const metrics = store.metrics.read(runId);
      expect(Object.keys(metrics).sort()).toEqual(['after', 'loss']);
      expect(Array.from(metrics.loss.steps)).toEqual([0, 1, 2]);
      expect(metrics.after.steps.length).toBe(4);
      expect(store.kernels.list(runId).map((k) => k.step)).toEqual([0]);
      expect(store.kernels.get(runId, 0)!.data!.every((v) => v === 1)).toBe(true);
    } finally {
      store.close();
    }
    expect(readFileSync(exportFrom).equals(exportFromBytes)).toBe(true);
    expect(existsSync(target)).toBe(false);
    const leftovers = readdirSync(dir).filter((name) => /partial|import-|-journal|\.lock|\.readers|\.holders/.test(name));
    expect(leftovers).toEqual([]);
    if (existsSync(join(dir, 'exports'))) expect(readdirSync(join(dir, 'exports'))).toEqual([]);
  });
});
