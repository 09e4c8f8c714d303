// Files the workbench writes for a client to take away (project bundles, Slurm sweep folders, reports): they go to
// `<workspace>/exports/`, and only files there can be read back through the API (downloads:read), in chunks, so a
// browser on another machine can save a bundle while no client can read any other file of the host.
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { CodedError } from '../../contract/result';
import { fileSafe } from '../../charts/file-name';
import { BUNDLE_EXTENSION } from '../store/bundle-format';

export const exportsDir = (workspaceDir: string): string => join(workspaceDir, 'exports');

/** `<workspace>/exports/<prefix><name>-<UTC time><suffix>`: a fresh name per export, sortable by time. */
export function exportPath(workspaceDir: string, name: string, { prefix = '', suffix = '' } = {}, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return join(exportsDir(workspaceDir), `${prefix}${fileSafe(name, 'project')}-${stamp}${suffix}`);
}

/** `<workspace>/exports/<name>-<UTC time>.ntkproject`. */
export const defaultBundlePath = (workspaceDir: string, projectName: string, now = new Date()): string =>
  exportPath(workspaceDir, projectName, { suffix: BUNDLE_EXTENSION }, now);

/** Bytes [offset, offset + length) of a file under `root` (links resolved first) and the file's size. */
export async function readExportChunk(root: string, path: string, offset: number, length: number): Promise<{ bytes: Uint8Array; size: number }> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CodedError('data/not-found', `no exported file ${path}`);
    throw new CodedError('io/failed', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (!real.startsWith(realRoot + sep)) throw new CodedError('api/forbidden', `${path} is not under the workspace's exports folder; only exported files can be downloaded`);
  const handle = await open(real, 'r');
  try {
    const size = (await handle.stat()).size;
    if (offset > size) throw new CodedError('api/invalid-request', `offset ${offset} is past the end of ${path} (${size} bytes)`);
    const buffer = new Uint8Array(Math.min(length, size - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return { bytes: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
