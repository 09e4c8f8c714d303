// A sweep on a real Slurm: a one-node cluster on localhost (test/helpers/slurm-cluster.ts), the sbatch script that
// `sweep --slurm --submit` writes and submits as a job array, then sweep-status and merge. Where the cluster cannot
// start (not root, slurm-wlm or munge missing, a daemon failing), this test fails with the reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { mergedRuns } from '../helpers/merged-runs';
import { type SlurmCluster, startSlurmCluster } from '../helpers/slurm-cluster';

const root = mkdtempSync(join(tmpdir(), 'ntk-slurm-'));
let cluster: SlurmCluster | undefined;

beforeAll(async () => {
  cluster = await startSlurmCluster(join(root, 'cluster'));
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  await rm(root, { recursive: true, force: true });
});

const spec = {
  name: 'slurm sweep',
  base: { steps: 20, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.5 }, data: { kind: 'circle', n: 4 }, logging: { metrics: { every: 5 }, kernels: { every: 10 } } },
  axes: { 'model.width': [8, 16] },
  seeds: [0, 1],
};

describe('a sweep on a one-node Slurm cluster', () => {
  it('runs as a job array from the generated sbatch script and merges back', async () => {
    const env = cluster!.env;
    const specPath = join(root, 'spec.json');
    await writeFile(specPath, JSON.stringify(spec));
    const out = join(root, 'out');
    const ws = join(root, 'ws');
    const submitted = await runCli(['sweep', specPath, '--out', out, '--slurm', '--shards', '2', '--partition', cluster!.partition, '--time', '0:05:00', '--cpus-per-task', '1', '--mem', '200M', '--submit'], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /submitted job (\d+)/.exec(submitted.stdout)?.[1];
    expect(jobId, submitted.stdout).toBeDefined();
    const script = await readFile(join(out, 'sweep.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-1%2');
    expect(script).toContain('--shard "${SLURM_ARRAY_TASK_ID}/2"');

    // Wait for the array to leave the queue.
    for (let i = 0; ; i++) {
      const queued = execFileSync('squeue', ['-h', '-j', jobId!, '-o', '%i %T'], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
      if (queued === '') break;
      if (i > 1800) throw new Error(`job ${jobId} still queued after 180 s:\n${queued}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const jobs = execFileSync('scontrol', ['show', 'job', jobId!, '-o'], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim().split('\n');
    expect(jobs.map((line) => /ArrayTaskId=(\S+)/.exec(line)?.[1]).sort()).toEqual(['0', '1']);
    const logs = (await readdir(join(out, 'logs'))).sort();
    expect(logs).toEqual([`${jobId}_0.out`, `${jobId}_1.out`]);
    for (const line of jobs) expect(line, `${line}\n${await readFile(join(out, 'logs', logs[0]), 'utf8')}`).toContain('JobState=COMPLETED');
    expect(await readFile(join(out, 'logs', `${jobId}_1.out`), 'utf8')).toContain('shard 1/2 of sweep "slurm sweep": 2 completed');

    const status = await runCli(['sweep-status', out, '--json']);
    expect(JSON.parse(status.stdout).counts).toEqual({ done: 4, running: 0, failed: 0, missing: 0 });
    const merged = await runCli(['merge', out, '--workspace', ws]);
    expect(merged.stdout).toContain('merged 4 new runs into project "slurm sweep"');
    const runs = mergedRuns(ws, 'slurm sweep');
    expect([...runs.keys()].sort()).toEqual(
      ['8, seed=0', '8, seed=1', '16, seed=0', '16, seed=1'].map((s) => `slurm sweep [model.width=${s}]`).sort(),
    );
    for (const run of runs.values()) {
      expect(run.status).toBe('done');
      expect(run.kernels).toHaveLength(3);
      expect(Object.keys(run.metrics)).toContain('loss');
    }
  }, 240_000);
});
