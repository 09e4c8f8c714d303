// `ntk-workbench train --config run.json --out DIR`: one headless run into a run folder.
import { parseArgs } from 'node:util';
import { readRunConfig } from '../../node/config-file';
import { assertRunFits } from '../../node/memory-guard';
import { trainToDirectory } from '../../node/train-to-directory';
import { createProgressReporter } from '../progress-bar';
import { UsageError } from '../usage-error';
import { openWorkspaceRun, workspaceDirFrom } from '../workspace-run';

export const trainUsage = `ntk-workbench train --config run.json --out DIR [--engine auto|tfjs|onnxruntime] [--quiet]
                    [--workspace DIR] [--project NAME] [--no-store]

  Trains the configured network and writes DIR/config.json, metrics.jsonl, kernels/*.npy (float64,
  sample-major), spectra.jsonl, analytic.npy, params/{initial,final}/*.npy and summary.json.
  The run is also recorded in the workspace store (default: NTK_WORKSPACE or the per-user data folder;
  project "CLI runs"), so it appears in the app; --no-store skips that.`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      quiet: { type: 'boolean', default: false },
      workspace: { type: 'string' },
      project: { type: 'string', default: 'CLI runs' },
      'no-store': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.config || !values.out) throw new UsageError('train needs --config and --out', trainUsage);
  const engine = values.engine as 'auto' | 'tfjs' | 'onnxruntime';
  if (!['auto', 'tfjs', 'onnxruntime'].includes(engine)) throw new UsageError(`unknown --engine ${engine}`, trainUsage);
  const config = await readRunConfig(values.config);
  assertRunFits(config);
  const progress = values.quiet ? undefined : createProgressReporter();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const recorded = values['no-store'] ? undefined : openWorkspaceRun(workspaceDirFrom(values.workspace), values.project as string, config, config.name);
  try {
    const summary = await trainToDirectory(config, values.out, { engine, signal: controller.signal, onProgress: progress?.update, ...recorded?.options }).catch((error: unknown) => {
      recorded?.fail(error);
      throw error;
    });
    progress?.done();
    if (recorded) process.stdout.write(`recorded as run ${recorded.runId} in project "${recorded.projectName}" of ${recorded.workspace}\n`);
    const drift = summary.finalRelDrift !== undefined ? `, relative kernel drift ${summary.finalRelDrift.toPrecision(3)}` : '';
    process.stdout.write(`${summary.status}: ${summary.stepsDone} steps in ${summary.wallSeconds.toFixed(1)} s, final loss ${summary.finalLoss.toPrecision(4)}${drift} -> ${values.out}\n`);
    if (summary.reason) process.stderr.write(`${summary.reason}\n`);
    return summary.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    recorded?.close();
  }
}
