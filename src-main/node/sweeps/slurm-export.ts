// The app's "Export for Slurm": a sweep spec from the New-run form becomes a folder under <workspace>/exports/
// (slurm-bundle.ts, with paths relative to it and `ntk-workbench` as the command) plus the commands that take it to
// a cluster, submit it, follow it and merge the results back into this workspace.
import { basename, join } from 'node:path';
import type { SlurmBundleDto } from '../../contract/api';
import type { SlurmOptions } from '../../contract/sweep-spec';
import { exportPath } from '../transfers/export-files';
import { resolveSweep } from './resolve-sweep';
import { shellQuote } from './slurm-script';
import { SCRIPT_FILE, SPEC_FILE, writeSlurmBundle } from './slurm-bundle';
import { SWEEP_FILE } from './sweep-dir';

export async function exportSlurmSweep(workspaceDir: string, spec: unknown, options: SlurmOptions = {}): Promise<SlurmBundleDto> {
  const sweep = resolveSweep(spec);
  const dir = exportPath(workspaceDir, sweep.name, { prefix: 'sweep-' });
  const bundle = await writeSlurmBundle(sweep, dir, options, { command: ['ntk-workbench'], relative: true });
  const folder = shellQuote(basename(dir));
  return {
    dir,
    files: [SPEC_FILE, SWEEP_FILE, SCRIPT_FILE].map((file) => join(dir, file)),
    script: bundle.script,
    runs: sweep.runs.length,
    tasks: bundle.tasks,
    commands: [
      `scp -r ${shellQuote(dir)} CLUSTER:`,
      `ssh CLUSTER 'cd ${folder} && sbatch ${SCRIPT_FILE}'`,
      `ssh CLUSTER 'ntk-workbench sweep-status ${folder}'`,
      `scp -r CLUSTER:${folder} . && ntk-workbench merge ${folder} --workspace ${shellQuote(workspaceDir)}`,
    ],
  };
}
