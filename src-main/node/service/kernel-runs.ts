// The service's side of blocked import runs: which run may be resumed, and a finished (or partial) kernel file
// handed to a client the one way files leave the host, a copy under <workspace>/exports/ read with downloads:read.
import { constants } from 'node:fs';
import { copyFile, link, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isResumableImport, isTerminalRunState, RESUMABLE_STATES, type RunRecord } from '../../contract/records';
import { CodedError } from '../../contract/result';
import { sidecarPath } from '../kernel-file/blocked-kernel-file';
import { exportPath } from '../transfers/export-files';

/** The run when imports:resume may continue it; otherwise a store/invalid-state error saying why not. */
export function resumableImport(run: RunRecord): RunRecord {
  if (run.kind !== 'import' || !run.config.blocked) throw new CodedError('store/invalid-state', `run ${run.id} is not an import with a blocked kernel; only those can be resumed`);
  if (!isResumableImport(run)) throw new CodedError('store/invalid-state', `run ${run.id} is ${run.status}; only a ${RESUMABLE_STATES.join(', ')} run can be resumed`);
  return run;
}

/**
 * `<workspace>/exports/<run name>-step-<step>-<time>.npy`: a hard link to the run's kernel file (a run never writes
 * its files after it ends, so the link cannot change under the client), a copy where links do not work.
 */
export async function exportKernelFile(workspaceDir: string, run: RunRecord, path: string, step: number): Promise<{ path: string; bytes: number }> {
  if (!isTerminalRunState(run.status)) throw new CodedError('store/invalid-state', `run ${run.id} is ${run.status}; its kernel files can be exported once it has ended`);
  let bytes: number;
  try {
    await stat(sidecarPath(path));
    bytes = (await stat(path)).size;
  } catch {
    throw new CodedError('data/not-found', `run ${run.id} has no kernel file for step ${step}`);
  }
  const target = exportPath(workspaceDir, `${run.name}-step-${step}`, { suffix: '.npy' });
  await mkdir(dirname(target), { recursive: true });
  try {
    await link(path, target);
  } catch {
    await copyFile(path, target, constants.COPYFILE_FICLONE);
  }
  return { path: target, bytes };
}
