// `ntk-workbench drift ...`: NTK drift across a checkpoint series of ONNX files on one probe set. The JSON it
// writes is a stable interface (issue 5): a list of {file, paramNorm, paramDistance, relDrift, lambdaMin, lambdaMax,
// spectrum, timings}; fields are only ever added.
import { parseArgs } from 'node:util';
import { addTimings, secondsSince, zeroTimings } from '../../contract/stage-timings';
import { writeFileAtomic } from '../../node/atomic-write';
import { initBackend } from '../../node/backend';
import { checkpointDrift } from '../../node/onnx/import/checkpoint-drift';
import { expandModelPaths } from '../../node/onnx/import/model-paths';
import { writeImportRun } from '../../node/onnx/import/import-run-writer';
import { loadProbeSet } from '../../node/onnx/import/probe-set';
import { parseBindFlag } from '../../node/onnx/import/input-binding';
import { UsageError } from '../usage-error';

export const driftUsage = `ntk-workbench drift --models A.onnx B.onnx ...|FOLDER --probe P.json|P.npy|P.csv|mnist:N[:seed] --out D.json
                    [--kernel trace|full] [--order step|given] [--steps S1,S2,...] [--freeze NAME,...] [--keep-softmax]
                    [--input NAME] [--bind NAME=zeros|VALUE|FILE ...] [--run DIR]

  --models  checkpoints of one architecture, as files or folders (a folder stands for the .onnx files directly
            in it, in natural order). With --order step (default) they are sorted by the last number
            in each file name when every name has one (ckpt-100.onnx), else taken as given; the first is the
            reference for paramDistance and relDrift.
  --steps   the training step of each checkpoint, in the order given (after folder expansion); default the last
            number in each file name, else the position.
  --probe   as for 'ntk-workbench ntk'; --input and --bind as there (several graph inputs).
  --kernel  trace (default) or full: the kernel whose drift ||K_t - K_0||_F / ||K_0||_F and eigenvalues are given.
  --run     also store the series as a run of kind "import" in DIR (config.json, drift.jsonl, summary.json).
  Output JSON: [{"file", "paramNorm", "paramDistance", "relDrift", "lambdaMin", "lambdaMax", "spectrum", "timings"},
            ...] in series order; spectrum as 'ntk' writes it ({"method": "full"} or Lanczos's steps and Ritz
            residuals); timings: that checkpoint's seconds in translate, check, kernel, spectrum. The series' stages (read
            and write included) and total go to stderr and, with --run, into summary.json.`;

/** Pulls `--models A B ...` (values up to the next option) out of argv; parseArgs takes one value per option. */
function splitModels(argv: string[]): { models: string[]; rest: string[] } {
  const models: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--models') {
      rest.push(argv[i]);
      continue;
    }
    while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) models.push(argv[++i]);
  }
  return { models, rest };
}

export async function driftCommand(argv: string[]): Promise<number> {
  const { models, rest } = splitModels(argv);
  const { values } = parseArgs({
    args: rest,
    options: {
      probe: { type: 'string' },
      out: { type: 'string' },
      kernel: { type: 'string', default: 'trace' },
      order: { type: 'string', default: 'step' },
      steps: { type: 'string' },
      freeze: { type: 'string' },
      'keep-softmax': { type: 'boolean' },
      input: { type: 'string' },
      bind: { type: 'string', multiple: true },
      run: { type: 'string' },
    },
    strict: true,
  });
  if (models.length === 0 || !values.probe || !values.out) throw new UsageError('drift needs --models, --probe and --out', driftUsage);
  const kernel = values.kernel;
  if (kernel !== 'full' && kernel !== 'trace') throw new UsageError('--kernel must be full or trace', driftUsage);
  const order = values.order;
  if (order !== 'step' && order !== 'given') throw new UsageError('--order must be step or given', driftUsage);
  const start = performance.now();
  await initBackend();
  const probe = await loadProbeSet(values.probe);
  const bind = Object.fromEntries(await Promise.all((values.bind ?? []).map(parseBindFlag)));
  const read = secondsSince(start);
  const files = await expandModelPaths(models);
  const steps = values.steps?.split(',').map((v) => v.trim());
  if (steps && (steps.length !== files.length || steps.some((v) => !/^\d+$/.test(v))))
    throw new UsageError(`--steps needs ${files.length} non-negative integers, one per checkpoint file`, driftUsage);
  const report = await checkpointDrift(
    files.map((path) => ({ path })),
    probe,
    { kernel, order, steps: steps?.map(Number), freeze: values.freeze?.split(',').filter(Boolean), logits: !values['keep-softmax'], inputName: values.input, bind },
    (p) => p.stage === 'done' && process.stderr.write(`  ${p.index + 1}/${p.total} ${p.file}\n`),
  );
  for (const e of report.entries) for (const warning of e.warnings ?? []) process.stderr.write(`warning: ${e.file}: ${warning}\n`);
  const pick = ({ translate, check, kernel, spectrum }: (typeof report.entries)[number]['timings']) => ({ translate, check, kernel, spectrum });
  const rows = report.entries.map((e) => ({ file: e.file, paramNorm: e.paramNorm, paramDistance: e.paramDistance, relDrift: e.relDrift, lambdaMin: e.lambdaMin, lambdaMax: e.lambdaMax, spectrum: e.spectrum, timings: pick(e.timings) }));
  const writeStart = performance.now();
  await writeFileAtomic(values.out, `${JSON.stringify(rows)}\n`);
  const series = report.entries.reduce((sum, e) => addTimings(sum, e.timings), { ...zeroTimings(), read });
  const timings = { ...series, write: secondsSince(writeStart), total: secondsSince(start) };
  if (values.run) await writeImportRun(values.run, report, { command: 'drift' }, timings);
  const last = report.entries[report.entries.length - 1];
  process.stderr.write(`  timings (s): ${Object.entries(timings).map(([stage, s]) => `${stage} ${s.toFixed(2)}`).join(', ')}\n`);
  process.stdout.write(`drift over ${report.entries.length} checkpoints on ${probe.n} probes: final relDrift ${last.relDrift.toExponential(3)} -> ${values.out}\n`);
  return 0;
}
