// Export of one project into a bundle file (bundle-format.ts): a fresh store database next to the target is filled
// from the workspace in one transaction, then renamed over the target, so a crash never leaves half a bundle.
import { readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CodedError } from '../../contract/result';
import { writeChunks } from './blob-chunks';
import { tableColumns } from './bundle-format';
import { type Database, openDatabase } from './database';
import { migrate } from './migrations';
import type { ProjectId } from './types';

export interface ExportResult {
  readonly file: string;
  readonly runs: number;
  readonly bytes: number;
  /** Artifact files that could not be read: the bundle keeps their path only. */
  readonly missingFiles: readonly string[];
}

const ALIAS = 'bundle';

/** Copies the rows of `table` selected by `where` (over the workspace's `main` schema) into the bundle. */
function copyRows(db: Database, table: string, where: string, params: readonly number[]): void {
  const columns = tableColumns(db, ALIAS, table).join(', ');
  db.run(`INSERT INTO ${ALIAS}.${table} (${columns}) SELECT ${columns} FROM main.${table} WHERE ${where}`, params);
}

export function exportProject(db: Database, projectId: ProjectId, file: string): ExportResult {
  const target = resolve(file);
  if (target === db.path) throw new CodedError('data/invalid', `${target} is the workspace database itself`);
  if (!db.get('SELECT 1 FROM projects WHERE id = ?', [projectId])) throw new CodedError('store/not-found', `no project with id ${projectId}`);
  const temp = `${target}.partial-${process.pid}`;
  rmSync(temp, { force: true });
  const missingFiles: string[] = [];
  let attached = false;
  try {
    const { db: bundle } = openDatabase(temp);
    try {
      migrate(bundle);
    } finally {
      bundle.close();
    }
    db.attach(temp, ALIAS);
    attached = true;
    const runs = db.transaction(() => {
      // Lineage to other projects' runs is cut below, after the copy: until COMMIT it may dangle.
      db.exec('PRAGMA defer_foreign_keys = ON');
      copyRows(db, 'projects', 'id = ?', [projectId]);
      copyRows(db, 'runs', 'project_id = ? ORDER BY id', [projectId]);
      // Lineage to runs of other projects and the runner (a process of this machine) mean nothing elsewhere.
      db.run(`UPDATE ${ALIAS}.runs SET runner = NULL, source_run_id = CASE WHEN source_run_id IN (SELECT id FROM ${ALIAS}.runs) THEN source_run_id END`);
      const inRuns = `run_id IN (SELECT id FROM ${ALIAS}.runs)`;
      copyRows(db, 'run_tags', inRuns, []);
      copyRows(db, 'metrics', inRuns, []);
      copyRows(db, 'kernel_snapshots', inRuns, []);
      copyRows(db, 'kernel_chunks', `owner_id IN (SELECT id FROM ${ALIAS}.kernel_snapshots)`, []);
      copyRows(db, 'artifacts', inRuns, []);
      copyRows(db, 'artifact_chunks', `owner_id IN (SELECT id FROM ${ALIAS}.artifacts)`, []);
      for (const { id, path } of db.all<{ id: number; path: string }>(`SELECT id, path FROM ${ALIAS}.artifacts WHERE path IS NOT NULL`)) {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(path);
        } catch {
          missingFiles.push(path);
          continue;
        }
        db.run(`UPDATE ${ALIAS}.artifacts SET path = NULL, size = ? WHERE id = ?`, [bytes.byteLength, id]);
        writeChunks(db, 'artifact_chunks', id, bytes, ALIAS);
      }
      return db.get<{ n: number }>(`SELECT count(*) AS n FROM ${ALIAS}.runs`)!.n;
    });
    db.detach(ALIAS);
    attached = false;
    renameSync(temp, target);
    return { file: target, runs, bytes: statSync(target).size, missingFiles };
  } catch (error) {
    if (attached) db.detach(ALIAS);
    rmSync(temp, { force: true });
    // The failing file is usually the bundle (disk full), while SQLite's message names the workspace it reads from.
    if (error instanceof CodedError && error.code !== 'store/io') throw error;
    throw new CodedError('store/io', `cannot write the bundle ${target}: ${(error as Error).message}`);
  }
}
