// Artifacts of a run (parameters, imported model files, anything else), by name: bytes kept in the store in chunks,
// or a path to a file the store refers to but never deletes (a bundle export copies such files in).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CodedError } from '../../contract/result';
import { readChunks, writeChunks } from './blob-chunks';
import type { Database } from './database';
import type { Artifact, ArtifactInfo, ArtifactInput, ArtifactKind, RunId } from './types';

export interface ArtifactRepo {
  /** Stores the artifact, replacing one of the same name. */
  put(runId: RunId, artifact: ArtifactInput): ArtifactInfo;
  get(runId: RunId, name: string): Artifact | undefined;
  list(runId: RunId): ArtifactInfo[];
  delete(runId: RunId, name: string): void;
}

interface ArtifactRow {
  id: number;
  name: string;
  kind: ArtifactKind;
  path: string | null;
  size: number;
  meta: string;
  created: number;
}

const COLUMNS = 'id, name, kind, path, size, meta, created';
const ARTIFACT_KINDS: readonly ArtifactKind[] = ['params', 'model', 'other'];

const toInfo = (row: ArtifactRow): ArtifactInfo => ({
  name: row.name,
  kind: row.kind,
  path: row.path,
  size: row.size,
  meta: JSON.parse(row.meta) as Record<string, unknown>,
  created: row.created,
});

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new CodedError('data/not-found', `artifact file ${path}: ${(error as Error).message}`);
  }
}

export function createArtifactRepo(db: Database, afterDelete: () => void): ArtifactRepo {
  return {
    put(runId, artifact) {
      if (!ARTIFACT_KINDS.includes(artifact.kind)) throw new CodedError('data/invalid', `artifact kind must be params, model or other, got ${String(artifact.kind)}`);
      if (artifact.name.trim().length === 0) throw new CodedError('data/invalid', 'an artifact needs a name');
      const path = artifact.path === undefined ? null : resolve(artifact.path);
      const size = path === null ? artifact.bytes!.byteLength : fileSize(path);
      return db.transaction(() => {
        if (!db.get('SELECT 1 FROM runs WHERE id = ?', [runId])) throw new CodedError('store/not-found', `no run with id ${runId}`);
        db.run('DELETE FROM artifacts WHERE run_id = ? AND name = ?', [runId, artifact.name]);
        const { lastInsertRowid: id } = db.run('INSERT INTO artifacts (run_id, name, kind, path, size, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          runId,
          artifact.name,
          artifact.kind,
          path,
          size,
          JSON.stringify(artifact.meta ?? {}),
          Date.now(),
        ]);
        if (artifact.bytes) writeChunks(db, 'artifact_chunks', id, artifact.bytes);
        return toInfo(db.get<ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE id = ?`, [id])!);
      });
    },
    get(runId, name) {
      return db.read(() => {
        const row = db.get<ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE run_id = ? AND name = ?`, [runId, name]);
        if (!row) return undefined;
        if (row.path !== null) return toInfo(row);
        const bytes = new Uint8Array(row.size);
        readChunks(db, 'artifact_chunks', row.id, bytes);
        return { ...toInfo(row), bytes };
      });
    },
    list: (runId) => db.all<ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY name`, [runId]).map(toInfo),
    delete(runId, name) {
      const { changes } = db.run('DELETE FROM artifacts WHERE run_id = ? AND name = ?', [runId, name]);
      if (changes === 0) throw new CodedError('store/not-found', `run ${runId} has no artifact named "${name}"`);
      afterDelete();
    },
  };
}
