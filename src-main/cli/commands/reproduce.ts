// `ntk-workbench reproduce EXPERIMENT --out DIR`: runs one of the paper's figures (or our contrast / dynamics
// experiments, or all) through node/reproduce, with a progress bar per run and, at the end, the measured quantities
// next to the paper's values.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodedError } from '../../contract/result';
import type { EngineChoice } from '../../node/engines';
import { DEFAULT_REPRODUCE_OPTIONS, EXPERIMENT_IDS, type ExperimentId, type ReproduceOptions, SCALES, type Scale } from '../../node/reproduce/experiment';
import type { ExperimentOutcome, ExperimentPlan } from '../../node/reproduce/reproduce-runner';
import type { ShardEvent } from '../../node/sweeps/run-sweep';
import { createProgressReporter } from '../progress-bar';
import { UsageError } from '../usage-error';

export const reproduceUsage = `ntk-workbench reproduce fig1|fig2|fig3|fig4|contrast|dynamics|all --out DIR [--scale small|paper]
                    [--workspace DIR] [--bias | --no-bias] [--reduction mean|sum] [--depth L] [--mnist-subset N]
                    [--jobs J] [--engine auto|tfjs|onnxruntime] [--quiet]

  Runs the experiment behind a figure of Yu, Tian & Chen (ICLR 2025) and writes into DIR/<experiment>/: one SVG, PDF
  and CSV per panel, data.json, comparison.csv (measured vs the paper), a CSV per table, report.html and report.pdf.
  The runs are run folders under DIR/runs/ (a rerun reuses the completed ones); with --workspace (or NTK_WORKSPACE)
  they are also merged into the project "Reproduce <experiment>" of that workspace.

  --scale small (default) finishes in minutes per figure on two cores; --scale paper uses the paper's sizes
  (m = 2000, 10^4 to 2*10^5 steps: hours). The paper's ambiguities are options: --bias (trained hidden biases, the
  theory) or --no-bias (default, what the figures match); --reduction mean (default, the figures) or sum (the
  theory); --depth hidden layers (default 3: "four-layer" read as 3 hidden + readout); --mnist-subset N digits for
  fig4 (default 200 small, 1000 paper). --jobs J runs J runs at a time in J processes (the 'sweep' command's
  --jobs); the bars then give way to one line per run.
  dynamics needs the NTK-dynamics run metrics (gapAnalytic, gapLinear, ...); 'all' skips it with a note where the
  build lacks them.

  Reduced runs (tests, quick looks) take hidden overrides: --steps N (every run), --widths a,b,c, --seeds a,b.`;

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${flag} must be a non-negative integer, not ${text}`, reproduceUsage);
  return value;
}

function intList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((t) => positiveInt(flag, t.trim()) as number);
  if (values.length === 0) throw new UsageError(`${flag} needs at least one value`, reproduceUsage);
  return values;
}

/** A run's line and progress bar: "[2/8] contrast [model.width=64, loss.kind=bce, seed=1]". */
function runEvents(quiet: boolean): (event: ShardEvent) => void {
  let bar: ReturnType<typeof createProgressReporter> | undefined;
  return (event) => {
    if (event.type === 'start') {
      if (!quiet) process.stderr.write(`[${event.position + 1}/${event.total}] ${event.run.name}\n`);
      bar = quiet ? undefined : createProgressReporter();
    } else if (event.type === 'progress') bar?.update(event.progress);
    else if (event.type === 'end') {
      bar?.done();
      if (event.state === 'failed') process.stderr.write(`  failed: ${event.detail ?? ''}\n`);
    } else if (!quiet) process.stderr.write(`${event.run.name}: reused (already completed)\n`);
  };
}

/**
 * Runs the experiment's sweep with `sweep SPEC --jobs J` (J processes, each a shard), so both cores work; the
 * runner then finds every run completed and only analyses. A failed run is left for the runner to report.
 */
async function runInProcesses(plan: ExperimentPlan, jobs: number, engine: string, quiet: boolean): Promise<void> {
  await mkdir(dirname(plan.runsDir), { recursive: true });
  const specPath = `${plan.runsDir}.spec.json`;
  await writeFile(specPath, `${JSON.stringify(plan.sweep.spec, null, 2)}\n`);
  const args = [...process.execArgv, process.argv[1], 'sweep', specPath, '--out', plan.runsDir, '--jobs', String(jobs), '--engine', engine, ...(quiet ? ['--quiet'] : [])];
  await new Promise<void>((done) => {
    // The sweep's run lines go to stderr with the bars' other output; stdout keeps the table.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 2, 2] });
    child.on('exit', () => done());
    child.on('error', () => done());
  });
}

function printTable(outcomes: readonly ExperimentOutcome[]): void {
  const rows = outcomes.flatMap((o) => o.comparisons.map((c) => [o.id, c.quantity, c.measured, c.paper]));
  const header = ['experiment', 'quantity', 'measured', 'paper'];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

export async function reproduceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      scale: { type: 'string', default: 'small' },
      workspace: { type: 'string' },
      bias: { type: 'boolean' },
      'no-bias': { type: 'boolean' },
      reduction: { type: 'string', default: DEFAULT_REPRODUCE_OPTIONS.reduction },
      depth: { type: 'string' },
      'mnist-subset': { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      jobs: { type: 'string', default: '1' },
      quiet: { type: 'boolean', default: false },
      steps: { type: 'string' },
      widths: { type: 'string' },
      seeds: { type: 'string' },
    },
    strict: true,
  });
  const which = positionals[0];
  if (positionals.length !== 1 || !values.out) throw new UsageError('reproduce needs one experiment and --out DIR', reproduceUsage);
  if (which !== 'all' && !(EXPERIMENT_IDS as readonly string[]).includes(which)) throw new UsageError(`unknown experiment ${which}`, reproduceUsage);
  if (!(SCALES as readonly string[]).includes(values.scale as string)) throw new UsageError(`unknown --scale ${values.scale}`, reproduceUsage);
  if (values.reduction !== 'mean' && values.reduction !== 'sum') throw new UsageError(`--reduction is mean or sum, not ${values.reduction}`, reproduceUsage);
  if (values.bias && values['no-bias']) throw new UsageError('give --bias or --no-bias, not both', reproduceUsage);
  if (!['auto', 'tfjs', 'onnxruntime'].includes(values.engine as string)) throw new UsageError(`unknown --engine ${values.engine}`, reproduceUsage);
  const jobs = positiveInt('--jobs', values.jobs) ?? 1;
  if (jobs === 0) throw new UsageError('--jobs must be at least 1', reproduceUsage);
  const depth = positiveInt('--depth', values.depth);
  if (depth === 0) throw new UsageError('--depth must be at least 1', reproduceUsage);
  const options: ReproduceOptions = {
    scale: values.scale as Scale,
    bias: values.bias ?? DEFAULT_REPRODUCE_OPTIONS.bias,
    reduction: values.reduction,
    depth: depth ?? DEFAULT_REPRODUCE_OPTIONS.depth,
    mnistSubset: positiveInt('--mnist-subset', values['mnist-subset']),
    steps: positiveInt('--steps', values.steps),
    widths: intList('--widths', values.widths),
    seeds: intList('--seeds', values.seeds),
  };
  const out = resolve(values.out);
  const workspace = values.workspace !== undefined || process.env.NTK_WORKSPACE ? (await import('../workspace-run')).workspaceDirFrom(values.workspace) : undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  // The runner (tfjs, the report engine, the store) loads only once the arguments are known to be good.
  const { planExperiment, reproduceExperiment } = await import('../../node/reproduce/reproduce-runner');
  const ids: ExperimentId[] = which === 'all' ? [...EXPERIMENT_IDS] : [which as ExperimentId];
  const outcomes: ExperimentOutcome[] = [];
  const skipped: string[] = [];
  const started = performance.now();
  try {
    for (const id of ids) {
      if (!values.quiet) process.stderr.write(`== ${id} (scale ${options.scale})\n`);
      try {
        if (jobs > 1) await runInProcesses(planExperiment(id, options, out), jobs, values.engine as string, values.quiet);
        const outcome = await reproduceExperiment(id, options, { out, workspace, engine: values.engine as EngineChoice, signal: controller.signal, onRunEvent: runEvents(values.quiet) });
        outcomes.push(outcome);
        const stored = outcome.project ? `; runs in project "${outcome.project}" of ${workspace}` : '';
        process.stdout.write(`${id}: ${outcome.runs} runs, ${outcome.result.panels.length} panels in ${outcome.wallSeconds.toFixed(1)} s -> ${outcome.dir}${stored}\n`);
      } catch (error) {
        // Only 'all' goes on past an experiment this build cannot run (dynamics without its metrics).
        if (which === 'all' && id === 'dynamics' && error instanceof CodedError && error.code === 'config/invalid') {
          skipped.push(`${id}: skipped (${error.message})`);
          continue;
        }
        throw error;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  printTable(outcomes);
  for (const line of skipped) process.stdout.write(`${line}\n`);
  process.stdout.write(`total ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}
