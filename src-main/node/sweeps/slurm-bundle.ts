// A sweep folder ready for `sbatch`: spec.json (the spec), sweep.json (its runs), sweep.sbatch (slurm-script.ts)
// and logs/. The array tasks write their runs into the same folder, so it is also what `sweep-status` and `merge`
// read. The CLI writes it with absolute paths where the sweep will run; the app exports it with relative paths, to be
// copied to the cluster and submitted from inside.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlurmOptions } from '../../contract/sweep-spec';
import { CodedError } from '../../contract/result';
import { writeFileAtomic } from '../atomic-write';
import { toJson } from '../run-output/run-writer';
import type { ResolvedSweep } from './resolve-sweep';
import { arrayTasks, sbatchScript, shellQuote } from './slurm-script';
import { claimSweepDir } from './sweep-dir';

export const SPEC_FILE = 'spec.json';
export const SCRIPT_FILE = 'sweep.sbatch';

export interface SlurmBundle {
  readonly dir: string;
  readonly script: string;
  readonly files: readonly string[];
  readonly tasks: number;
  /** What to type on the cluster's login node. */
  readonly submit: string;
}

export async function writeSlurmBundle(
  sweep: ResolvedSweep,
  dir: string,
  options: SlurmOptions,
  placement: { readonly command: readonly string[]; readonly relative: boolean },
): Promise<SlurmBundle> {
  const at = (name: string) => (placement.relative ? name : join(dir, name));
  try {
    await mkdir(join(dir, 'logs'), { recursive: true });
  } catch (error) {
    throw new CodedError('io/failed', `cannot create ${join(dir, 'logs')}: ${(error as Error).message}`);
  }
  await claimSweepDir(dir, sweep);
  await writeFileAtomic(join(dir, SPEC_FILE), `${toJson(sweep.spec, 2)}\n`);
  const script = sbatchScript({
    sweepName: sweep.name,
    runCount: sweep.runs.length,
    specPath: at(SPEC_FILE),
    outDir: placement.relative ? '.' : dir,
    logDir: at('logs'),
    command: placement.command,
    options,
  });
  await writeFileAtomic(join(dir, SCRIPT_FILE), script);
  const submit = placement.relative ? `cd ${shellQuote(dir.split(/[\\/]/).pop() ?? dir)} && sbatch ${SCRIPT_FILE}` : `sbatch ${shellQuote(join(dir, SCRIPT_FILE))}`;
  return { dir, script, files: [SPEC_FILE, 'sweep.json', SCRIPT_FILE, 'logs/'], tasks: arrayTasks({ runCount: sweep.runs.length, options }), submit };
}
