// `ntk-workbench merge DIR...`: folds sweep output folders (or single run folders) from any machine into a workspace
// project; merging again adds nothing, and two merges at once wait for each other instead of adding a run twice.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mergeRunFolders } from '../../node/sweeps/merge-runs';
import { openStore } from '../../node/store/store';
import { storePathIn } from '../../node/store/workspace-dir';
import { UsageError } from '../usage-error';
import { workspaceDirFrom } from '../workspace-run';

export const mergeUsage = `ntk-workbench merge DIR... [--workspace W] [--project NAME] [--partial]

  Adds the runs of each DIR (a 'sweep --out' folder, or a 'train --out' run folder) to a project of the workspace
  (default: NTK_WORKSPACE or the per-user data folder), with their metrics, kernels, spectra and parameters. The
  project defaults to the sweep's name. Runs merged before are recognised by their run id and skipped. A folder
  with runs that are not complete is refused; --partial merges the completed runs and lists the rest.`;

// A concurrent merge holds the workspace for one run at a time; waiting this long beats failing 'store/busy'.
const MERGE_BUSY_TIMEOUT_MS = 120_000;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      project: { type: 'string' },
      partial: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError('merge needs at least one folder', mergeUsage);
  const workspace = workspaceDirFrom(values.workspace);
  mkdirSync(workspace, { recursive: true });
  const store = openStore(storePathIn(workspace), { busyTimeoutMs: MERGE_BUSY_TIMEOUT_MS });
  try {
    const result = await mergeRunFolders(
      store,
      positionals.map((dir) => resolve(dir)),
      { project: values.project, partial: values.partial },
    );
    const leftOut = result.leftOut.length > 0 ? `, ${result.leftOut.length} incomplete left out` : '';
    process.stdout.write(`merged ${result.added.length} new runs into project "${result.projectName}" of ${workspace} (${result.present.length} already there${leftOut})\n`);
    for (const run of result.leftOut) process.stdout.write(`  left out ${run.folder}: ${run.reason}\n`);
    return 0;
  } finally {
    store.close();
  }
}
