// One shard started twice at once runs each run once (the claims), and a claim left by a dead process is taken over;
// merge takes single run folders as well as sweep folders.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIdOf } from '../../../src-main/contract/sweep-expansion';
import { openStore } from '../../../src-main/node/store/store';
import { mergeRunFolders } from '../../../src-main/node/sweeps/merge-runs';
import { resolveSweep } from '../../../src-main/node/sweeps/resolve-sweep';
import { runSweepShard } from '../../../src-main/node/sweeps/run-sweep';
import { sweepStatus } from '../../../src-main/node/sweeps/sweep-dir';
import { trainToDirectory } from '../../../src-main/node/train-to-directory';

const sweep = resolveSweep({
  name: 'claims',
  base: { steps: 5, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle', n: 4 }, logging: { metrics: { every: 5 }, kernels: { every: 5 } } },
  seeds: [0, 1],
});

describe('runSweepShard', () => {
  it('runs each run once when the same shard is started twice at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-claims-'));
    const [a, b] = await Promise.all([runSweepShard(sweep, dir), runSweepShard(sweep, dir)]);
    expect(a.done + b.done).toBe(2);
    expect(a.skipped + b.skipped).toBe(2);
    expect(a.failed + b.failed).toBe(0);
    expect((await sweepStatus(dir)).runs.map((r) => r.state)).toEqual(['done', 'done']);
    expect(await readdir(join(dir, 'claims'))).toEqual([]);
  });

  it('takes over the claim of a process that died', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-claims-'));
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    await mkdir(join(dir, 'claims'), { recursive: true });
    await writeFile(join(dir, 'claims', sweep.runs[0].id), JSON.stringify({ pid: dead, host: hostname() }));
    // A live holder on another host is left alone.
    await writeFile(join(dir, 'claims', sweep.runs[1].id), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    const result = await runSweepShard(sweep, dir);
    expect(result).toEqual({ done: 1, skipped: 1, failed: 0 });
    expect((await sweepStatus(dir)).runs.map((r) => r.state)).toEqual(['done', 'missing']);
  });
});

describe('mergeRunFolders', () => {
  it('merges single run folders too: a sweep run by its marker, a plain train --out folder by its config hash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-merge-one-'));
    await runSweepShard(sweep, dir, { shard: { index: 0, count: 2 } });
    const plain = join(dir, 'plain');
    await trainToDirectory(sweep.runs[1].config, plain);
    const store = openStore(join(dir, 'ws.sqlite'));
    try {
      const first = await mergeRunFolders(store, [join(dir, sweep.runs[0].id), plain], { project: 'singles' });
      expect(first.added.map((r) => r.id)).toEqual([sweep.runs[0].id, runIdOf(sweep.runs[1].config as unknown as Record<string, unknown>)]);
      // The plain folder is the sweep's second run: same config, so the same id.
      expect(first.added[1].id).toBe(sweep.runs[1].id);
      const again = await mergeRunFolders(store, [plain, join(dir, sweep.runs[0].id)], { project: 'singles' });
      expect(again.added).toEqual([]);
      expect(again.present).toHaveLength(2);
      const runs = store.runs.list(first.projectId);
      expect(runs.find((r) => r.id === first.added[0].runId)!.tags).toEqual(expect.arrayContaining(['axis:seed=0', 'sweep:claims', `sweep-run:${sweep.runs[0].id}`]));
    } finally {
      store.close();
    }
  });
});
