// Uploaded checkpoints are copies the browser sent; once no import run names a file in an upload folder, the folder
// only fills the disk. Pruning removes such folders after a grace period (a researcher may drop files now and start
// the import later), never one that a run's config (models or probe) still points into.
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Store } from '../store/store';

/** Default grace period for an upload no run names yet. */
export const UPLOAD_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Every path an import run of the workspace reads (its checkpoint files and its probe). */
export function pathsNamedByRuns(store: Store): string[] {
  const paths: string[] = [];
  for (const project of store.projects.list()) {
    for (const run of store.runs.list(project.id)) {
      if (run.kind !== 'import') continue;
      const config = run.config as { models?: unknown; probe?: unknown };
      if (Array.isArray(config.models)) paths.push(...config.models.filter((m): m is string => typeof m === 'string'));
      if (typeof config.probe === 'string') paths.push(config.probe);
    }
  }
  return paths;
}

/** Removes upload folders under `root` that no path in `named` lies in and that are older than `retentionMs`; answers their ids. */
export async function pruneUploads(root: string, named: readonly string[], options: { retentionMs?: number; now?: number } = {}): Promise<string[]> {
  const retention = options.retentionMs ?? UPLOAD_RETENTION_MS;
  const now = options.now ?? Date.now();
  let ids: string[];
  try {
    ids = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const resolved = named.map((p) => resolve(p));
  const removed: string[] = [];
  for (const id of ids) {
    const folder = resolve(join(root, id));
    if (resolved.some((p) => p.startsWith(folder + sep))) continue;
    if (now - (await stat(folder)).mtimeMs < retention) continue;
    await rm(folder, { recursive: true, force: true });
    removed.push(id);
  }
  return removed;
}
