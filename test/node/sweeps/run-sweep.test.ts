// One shard started twice at once runs each run once (the claims), and a claim left by a dead process is taken over.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSweep } from '../../../src-main/node/sweeps/resolve-sweep';
import { runSweepShard } from '../../../src-main/node/sweeps/run-sweep';
import { sweepStatus } from '../../../src-main/node/sweeps/sweep-dir';

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
