// `ntk-workbench sweep SPEC --out DIR`: runs a sweep spec (or one shard of it, J runs at a time) into DIR/<run-id>/,
// or with --slurm writes the sbatch job-array script that does the same on a cluster (and submits it with --submit).
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodedError } from '../../contract/result';
import { type SlurmOptions, slurmOptionsSchema } from '../../contract/sweep-spec';
import { describeIssues } from '../../contract/zod-issues';
import type { EngineChoice } from '../../node/engines';
import { readSweepSpec, type ResolvedSweep } from '../../node/sweeps/resolve-sweep';
import { runSweepShard, type ShardEvent } from '../../node/sweeps/run-sweep';
import { ALL_RUNS, inShard, parseShard, type Shard, shardText, splitShard } from '../../node/sweeps/shard';
import { writeSlurmBundle } from '../../node/sweeps/slurm-bundle';
import { UsageError } from '../usage-error';

export const sweepUsage = `ntk-workbench sweep SPEC --out DIR [--shard i/N] [--jobs J] [--engine auto|tfjs|onnxruntime] [--quiet]
ntk-workbench sweep SPEC --out DIR --slurm [--shards N] [--max-running M] [--partition P] [--time T]
                    [--cpus-per-task C] [--mem M] [--jobs J] [--submit]

  SPEC is a JSON sweep spec: {"name", "base": <run config>, "axes": {"model.width": [64, 256], ...}, "seeds": [0, 1]}.
  Every combination of the axes (and seeds) is one run with a stable id (a hash of its resolved config), written
  to DIR/<run-id>/ in the 'train --out' format. Runs already completed in DIR are skipped, so a killed or
  resubmitted sweep resumes. --shard i/N runs the runs whose index is i modulo N (0 <= i < N); --jobs J runs J at a
  time (J processes). Merge the results into the workspace with 'ntk-workbench merge DIR'.

  --slurm writes DIR/sweep.sbatch (a job array, one shard per task, logs in DIR/logs/) and DIR/spec.json;
  --submit also runs sbatch and prints the job id. --shards defaults to one task per run; --jobs to --cpus-per-task.`;

const ENGINES = ['auto', 'tfjs', 'onnxruntime'];

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, not ${text}`, sweepUsage);
  return value;
}

function eventLine(event: ShardEvent): string | undefined {
  const label = `run ${event.run.index} ${event.run.id} "${event.run.name}"`;
  if (event.type === 'skip') return `${label}: skipped (${event.reason === 'done' ? 'already completed' : 'running in another process'})`;
  if (event.type === 'start') return `[${event.position + 1}/${event.total}] ${label}: started`;
  if (event.type === 'end') return `${label}: ${event.state}${event.detail ? ` (${event.detail})` : ''}`;
  return undefined;
}

async function runLocally(sweep: ResolvedSweep, specPath: string, out: string, shard: Shard, jobs: number, engine: EngineChoice, quiet: boolean): Promise<number> {
  const mine = inShard(sweep.runs, shard);
  if (jobs > 1 && mine.length > 1) {
    // J processes, each a finer shard: together exactly the runs of this shard.
    const children = splitShard(shard, Math.min(jobs, mine.length)).map(
      (sub) =>
        new Promise<number>((done) => {
          const args = [...process.execArgv, process.argv[1], 'sweep', specPath, '--out', out, '--shard', shardText(sub), '--engine', engine, ...(quiet ? ['--quiet'] : [])];
          const child = spawn(process.execPath, args, { stdio: 'inherit' });
          child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
          child.on('error', () => done(1));
        }),
    );
    const codes = await Promise.all(children);
    return Math.max(...codes);
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runSweepShard(sweep, out, {
      shard,
      engine,
      signal: controller.signal,
      onEvent: (event) => {
        const line = quiet && event.type !== 'end' ? undefined : eventLine(event);
        if (line) process.stdout.write(`${line}\n`);
      },
    });
    process.stdout.write(
      `shard ${shardText(shard)} of sweep "${sweep.name}": ${result.done} completed, ${result.skipped} skipped, ${result.failed} failed of ${mine.length} runs -> ${out}\n`,
    );
    return result.failed > 0 || controller.signal.aborted ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function writeSlurm(sweep: ResolvedSweep, out: string, options: SlurmOptions, submit: boolean): Promise<number> {
  const command = [process.execPath, resolve(process.argv[1])];
  const bundle = await writeSlurmBundle(sweep, out, options, { command, relative: false });
  process.stdout.write(`wrote ${bundle.dir}/sweep.sbatch: ${sweep.runs.length} runs in ${bundle.tasks} array tasks\n`);
  if (!submit) {
    process.stdout.write(`submit with: ${bundle.submit}\n`);
    return 0;
  }
  const sbatch = spawnSync('sbatch', ['--parsable', `${bundle.dir}/sweep.sbatch`], { encoding: 'utf8' });
  if (sbatch.error) throw new CodedError('backend/unavailable', `cannot run sbatch (${sbatch.error.message}); submit ${bundle.dir}/sweep.sbatch where Slurm is installed`);
  if (sbatch.status !== 0) throw new CodedError('backend/unavailable', `sbatch failed (exit ${sbatch.status}): ${sbatch.stderr.trim()}`);
  const jobId = sbatch.stdout.trim().split(';')[0];
  process.stdout.write(`submitted job ${jobId}\n`);
  return 0;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      shard: { type: 'string' },
      jobs: { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      quiet: { type: 'boolean', default: false },
      slurm: { type: 'boolean', default: false },
      submit: { type: 'boolean', default: false },
      shards: { type: 'string' },
      'max-running': { type: 'string' },
      partition: { type: 'string' },
      time: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      mem: { type: 'string' },
    },
    strict: true,
  });
  if (positionals.length !== 1 || !values.out) throw new UsageError('sweep needs one SPEC file and --out DIR', sweepUsage);
  if (!ENGINES.includes(values.engine as string)) throw new UsageError(`unknown --engine ${values.engine}`, sweepUsage);
  const jobs = positiveInt('--jobs', values.jobs);
  const shard = values.shard !== undefined ? parseShard(values.shard) : ALL_RUNS;
  const specPath = positionals[0];
  const out = resolve(values.out);
  const sweep = await readSweepSpec(specPath);
  if (values.slurm) {
    if (values.shard !== undefined) throw new UsageError('--shard is for one task; with --slurm each array task takes its shard from SLURM_ARRAY_TASK_ID', sweepUsage);
    const parsed = slurmOptionsSchema.safeParse({
      shards: positiveInt('--shards', values.shards),
      maxRunning: positiveInt('--max-running', values['max-running']),
      partition: values.partition,
      time: values.time,
      cpusPerTask: positiveInt('--cpus-per-task', values['cpus-per-task']),
      mem: values.mem,
      jobs,
    });
    if (!parsed.success) throw new CodedError('config/invalid', `bad Slurm options:\n  ${describeIssues(parsed.error).join('\n  ')}`);
    return writeSlurm(sweep, out, parsed.data, values.submit);
  }
  if (values.submit) throw new UsageError('--submit goes with --slurm', sweepUsage);
  return runLocally(sweep, resolve(specPath), out, shard, jobs ?? 1, values.engine as EngineChoice, values.quiet);
}
