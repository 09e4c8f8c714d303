// `sweep`, `sweep-status` and `merge` as a user runs them: a single-process sweep and the same sweep in three shard
// processes merge into identical projects (byte-equal metrics, kernels, parameters); merging again or twice at once
// adds nothing; a shard killed with SIGKILL resumes without duplicating a run; bad input gets a coded error.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, runCli, spawnCli } from '../helpers/cli';
import { mergedRuns } from '../helpers/merged-runs';

const root = mkdtempSync(join(tmpdir(), 'ntk-sweep-cli-'));

// Tiny runs: 4 points, width 8-16, 30 steps; kernels every 10 steps and a short circle sweep so every kind of record is merged.
const spec = {
  name: 'tiny sweep',
  base: {
    steps: 30,
    model: { arch: 'fcn', depth: 2, width: 8 },
    loss: { kind: 'bce' },
    optimizer: { lr: 0.5 },
    data: { kind: 'circle', n: 4 },
    ntk: { circleSweep: 9 },
    logging: { metrics: { every: 5 }, kernels: { every: 10 } },
  },
  axes: { 'model.width': [8, 16], 'loss.kind': ['bce', 'mse'] },
  seeds: [0],
};
const RUNS = 4;
// Several CLI processes per test on a shared 2-core machine: minutes, not the default two.
const SLOW = 360_000;

async function writeSpec(name: string, value: unknown): Promise<string> {
  const path = join(root, name);
  await writeFile(path, JSON.stringify(value));
  return path;
}

const expectOk = (result: { code: number; stdout: string; stderr: string }) => expect(result.code, result.stderr + result.stdout).toBe(0);

describe('sweep across processes and merge', () => {
  it('three shards + merge equal one process + merge, byte for byte; merging again or concurrently adds nothing', async () => {
    const specPath = await writeSpec('tiny.json', spec);
    const single = join(root, 'single');
    const sharded = join(root, 'sharded');
    const wsSingle = join(root, 'ws-single');
    const wsSharded = join(root, 'ws-sharded');

    expectOk(await runCli(['sweep', specPath, '--out', single, '--quiet']));
    const shards = await Promise.all([0, 1, 2].map((i) => runCli(['sweep', specPath, '--out', sharded, '--shard', `${i}/3`, '--quiet'])));
    for (const shard of shards) expectOk(shard);
    expect(shards.map((s) => /(\d+) completed/.exec(s.stdout)?.[1])).toEqual(['2', '1', '1']);
    expect((await readdir(sharded)).filter((f) => /^[0-9a-f]{16}$/.test(f)).sort()).toEqual((await readdir(single)).filter((f) => /^[0-9a-f]{16}$/.test(f)).sort());

    const status = await runCli(['sweep-status', sharded, '--json']);
    expectOk(status);
    expect(JSON.parse(status.stdout).counts).toEqual({ done: RUNS, running: 0, failed: 0, missing: 0 });

    expectOk(await runCli(['merge', single, '--workspace', wsSingle]));
    // Two merges of the same folder into one workspace at once, then a third: still one run each.
    const both = await Promise.all([runCli(['merge', sharded, '--workspace', wsSharded]), runCli(['merge', sharded, '--workspace', wsSharded])]);
    for (const merge of both) expectOk(merge);
    const added = both.map((m) => Number(/merged (\d+) new runs/.exec(m.stdout)?.[1]));
    expect(added[0] + added[1]).toBe(RUNS);
    const again = await runCli(['merge', sharded, '--workspace', wsSharded]);
    expect(again.stdout).toContain(`merged 0 new runs into project "tiny sweep" of ${wsSharded} (${RUNS} already there)`);

    const a = mergedRuns(wsSingle, 'tiny sweep');
    const b = mergedRuns(wsSharded, 'tiny sweep');
    expect(a.size).toBe(RUNS);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, run] of a) {
      expect(run.status).toBe('done');
      expect(run.tags).toEqual(b.get(name)!.tags);
      expect(b.get(name), name).toEqual(run);
      expect(Object.keys(run.metrics)).toContain('loss');
      expect(run.kernels.length).toBe(4);
      expect(run.kernels.every((k) => k.data !== null && k.sweep !== null)).toBe(true);
      expect(Object.keys(run.params).sort()).toEqual(['params/final', 'params/initial']);
    }
    const first = a.get('tiny sweep [model.width=8, loss.kind=bce, seed=0]')!;
    expect(first.tags).toEqual(expect.arrayContaining(['axis:model.width=8', 'axis:loss.kind=bce', 'axis:seed=0', 'sweep:tiny sweep']));
  }, SLOW);

  it('resumes a shard killed with SIGKILL mid-run without duplicating a run', async () => {
    // Two runs long enough to be caught mid-way.
    const long = { ...spec, name: 'long', base: { ...spec.base, steps: 4000, ntk: { circleSweep: 0 }, logging: { metrics: { every: 10 }, kernels: { every: 1000 } } }, axes: {}, seeds: [0, 1] };
    const specPath = await writeSpec('long.json', long);
    const out = join(root, 'killed');
    const child = spawnCli(['sweep', specPath, '--out', out, '--quiet']);
    const sweepRecord = async () => JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')) as { runs: { id: string }[] };
    // Killed once the first run has logged some metrics and is not finished.
    for (let i = 0; ; i++) {
      const metrics = await sweepRecord()
        .then((r) => readFile(join(out, r.runs[0].id, 'metrics.jsonl'), 'utf8'))
        .catch(() => '');
      if (metrics.split('\n').length > 20) break;
      if (i > 600) throw new Error('the first run never got going');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    const { runs } = await sweepRecord();
    const killed = JSON.parse((await runCli(['sweep-status', out, '--json'])).stdout) as { runs: { state: string; detail: string | null }[] };
    expect(killed.runs[0].state).toBe('failed');
    expect(killed.runs[0].detail).toMatch(/interrupted: process \d+ \(shard 0\/1\) is gone/);
    expect(killed.runs[1].state).toBe('missing');
    const refused = await runCli(['merge', out, '--workspace', join(root, 'ws-killed')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('sweep/incomplete');

    const resumed = await runCli(['sweep', specPath, '--out', out]);
    expectOk(resumed);
    expect(resumed.stdout).toContain('2 completed, 0 skipped, 0 failed of 2 runs');
    const rerun = await runCli(['sweep', specPath, '--out', out]);
    expect(rerun.stdout).toContain('0 completed, 2 skipped, 0 failed of 2 runs');
    // The restarted run's folder holds one attempt: every logged step once.
    const lines = (await readFile(join(out, runs[0].id, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    const steps = lines.map((l) => (JSON.parse(l) as { step: number }).step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(4000);
    expectOk(await runCli(['merge', out, '--workspace', join(root, 'ws-killed')]));
    expect(mergedRuns(join(root, 'ws-killed'), 'long').size).toBe(2);
  }, SLOW);

  it('merges completed runs only with --partial, the rest later (run by --jobs 2)', async () => {
    const specPath = await writeSpec('partial.json', { ...spec, name: 'partial', seeds: [5] });
    const out = join(root, 'partial');
    const ws = join(root, 'ws-partial');
    expectOk(await runCli(['sweep', specPath, '--out', out, '--shard', '0/2', '--quiet']));
    const refused = await runCli(['merge', out, '--workspace', ws]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/sweep\/incomplete.*2 of 4 runs are not complete/s);
    const partial = await runCli(['merge', out, '--workspace', ws, '--partial']);
    expect(partial.stdout).toContain('merged 2 new runs into project "partial"');
    expect(partial.stdout).toContain('2 incomplete left out');
    // --jobs 2: shard 1/2 as two processes, shards 1/4 and 3/4.
    const jobs = await runCli(['sweep', specPath, '--out', out, '--shard', '1/2', '--jobs', '2', '--quiet']);
    expectOk(jobs);
    expect(jobs.stdout).toMatch(/shard 1\/4 of sweep "partial": 1 completed/);
    expect(jobs.stdout).toMatch(/shard 3\/4 of sweep "partial": 1 completed/);
    expect((await runCli(['merge', out, '--workspace', ws])).stdout).toContain('merged 2 new runs into project "partial" of');
    expect(mergedRuns(ws, 'partial').size).toBe(4);
  }, SLOW);
});

describe('sweep bad input', () => {
  it('reports an unknown axis path and a refused value with their paths (exit 2)', async () => {
    const specPath = await writeSpec('bad.json', { ...spec, axes: { 'model.widht': [8], 'optimizer.lr': [0.1, -1] } });
    const result = await runCli(['sweep', specPath, '--out', join(root, 'bad')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config/invalid');
    expect(result.stderr).toContain('axes.model.widht: unknown config path (model has no field "widht")');
    expect(result.stderr).toContain('axes.optimizer.lr[1] = -1: optimizer.lr: Too small');
  });

  it('refuses shard specs like 3/2 and 0/0 (exit 2)', async () => {
    const specPath = await writeSpec('ok.json', spec);
    for (const shard of ['3/2', '0/0']) {
      const result = await runCli(['sweep', specPath, '--out', join(root, 'never'), '--shard', shard]);
      expect(result.code, shard).toBe(2);
      expect(result.stderr).toMatch(/config\/invalid.*--shard/);
    }
  });

  it('refuses an output folder that cannot be written, and another spec in a used folder', async () => {
    const specPath = await writeSpec('ok2.json', spec);
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const result = await runCli(['sweep', specPath, '--out', join(file, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/io\/failed.*a-file\/out/);
    const used = join(root, 'used');
    await mkdir(used);
    expectOk(await runCli(['sweep', await writeSpec('one.json', { ...spec, axes: {}, seeds: [0], base: { ...spec.base, steps: 1 } }), '--out', used, '--quiet']));
    const other = await runCli(['sweep', specPath, '--out', used]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds the sweep .* not this spec/);
  });

  it.runIf(process.getuid?.() === 0)('stops with io/failed on a full disk (a 256 KiB tmpfs)', async () => {
    const mount = join(root, 'full');
    await mkdir(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    try {
      const big = { ...spec, base: { ...spec.base, data: { kind: 'circle', n: 64 }, logging: { metrics: { every: 1 }, kernels: { every: 1 } } } };
      const result = await runCli(['sweep', await writeSpec('big.json', big), '--out', join(mount, 'out'), '--quiet']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error \[io\/failed\]: .*(ENOSPC|no space left)/i);
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
