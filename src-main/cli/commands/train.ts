// `ntk-workbench train --config run.json --out DIR`: one headless run into a run folder.
import { parseArgs } from 'node:util';
import { readRunConfig } from '../../node/config-file';
import { trainToDirectory } from '../../node/train-to-directory';
import { createProgressReporter } from '../progress-bar';
import { UsageError } from '../usage-error';

export const trainUsage = `ntk-workbench train --config run.json --out DIR [--engine auto|tfjs|onnxruntime] [--quiet]

  Trains the configured network and writes DIR/config.json, metrics.jsonl, kernels/*.npy (float64,
  sample-major), spectra.jsonl, analytic.npy, params/{initial,final}/*.npy and summary.json.`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, out: { type: 'string' }, engine: { type: 'string', default: 'auto' }, quiet: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.config || !values.out) throw new UsageError('train needs --config and --out', trainUsage);
  const engine = values.engine as 'auto' | 'tfjs' | 'onnxruntime';
  if (!['auto', 'tfjs', 'onnxruntime'].includes(engine)) throw new UsageError(`unknown --engine ${engine}`, trainUsage);
  const config = await readRunConfig(values.config);
  const progress = values.quiet ? undefined : createProgressReporter();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const summary = await trainToDirectory(config, values.out, { engine, signal: controller.signal, onProgress: progress?.update });
    progress?.done();
    const drift = summary.finalRelDrift !== undefined ? `, relative kernel drift ${summary.finalRelDrift.toPrecision(3)}` : '';
    process.stdout.write(`${summary.status}: ${summary.stepsDone} steps in ${summary.wallSeconds.toFixed(1)} s, final loss ${summary.finalLoss.toPrecision(4)}${drift} -> ${values.out}\n`);
    if (summary.reason) process.stderr.write(`${summary.reason}\n`);
    return summary.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
