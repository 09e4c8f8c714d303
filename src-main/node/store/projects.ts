// Projects: create, list, rename, notes, delete (which removes every run and what it recorded).
import { CodedError } from '../../contract/result';
import type { Database } from './database';
import { checkText } from './text-field';
import type { Project, ProjectId } from './types';

interface ProjectRow {
  id: number;
  name: string;
  notes: string;
  created: number;
  updated: number;
  run_count: number;
}

const SELECT = `SELECT p.id, p.name, p.notes, p.created, p.updated, (SELECT count(*) FROM runs r WHERE r.project_id = p.id) AS run_count
  FROM projects p`;

const toProject = (row: ProjectRow): Project => ({
  id: row.id,
  name: row.name,
  notes: row.notes,
  created: row.created,
  updated: row.updated,
  runCount: row.run_count,
});

export interface ProjectRepo {
  create(name: string, notes?: string): Project;
  list(): Project[];
  get(id: ProjectId): Project;
  find(name: string): Project | undefined;
  rename(id: ProjectId, name: string): Project;
  setNotes(id: ProjectId, notes: string): Project;
  /** Removes the project with its runs, metrics, kernels, artifacts and tags. */
  delete(id: ProjectId): void;
  /** `name`, or `name (2)`, `name (3)`, ... : the first one no project has yet. */
  freeName(name: string): string;
}

const checkName = (name: string) => checkText('project name', name, 200);

export function createProjectRepo(db: Database, afterDelete: () => void): ProjectRepo {
  const get = (id: ProjectId): Project => {
    const row = db.get<ProjectRow>(`${SELECT} WHERE p.id = ?`, [id]);
    if (!row) throw new CodedError('store/not-found', `no project with id ${id}`);
    return toProject(row);
  };
  const find = (name: string) => {
    const row = db.get<ProjectRow>(`${SELECT} WHERE p.name = ?`, [name]);
    return row ? toProject(row) : undefined;
  };
  const conflict = (name: string) => new CodedError('store/conflict', `a project named "${name}" already exists`);
  return {
    create(name, notes = '') {
      const clean = checkName(name);
      if (find(clean)) throw conflict(clean);
      const now = Date.now();
      const { lastInsertRowid } = db.run('INSERT INTO projects (name, notes, created, updated) VALUES (?, ?, ?, ?)', [clean, notes, now, now]);
      return get(lastInsertRowid);
    },
    list: () => db.all<ProjectRow>(`${SELECT} ORDER BY p.updated DESC, p.id DESC`).map(toProject),
    get,
    find,
    rename(id, name) {
      const clean = checkName(name);
      const other = find(clean);
      if (other && other.id !== id) throw conflict(clean);
      const { changes } = db.run('UPDATE projects SET name = ?, updated = ? WHERE id = ?', [clean, Date.now(), id]);
      if (changes === 0) throw new CodedError('store/not-found', `no project with id ${id}`);
      return get(id);
    },
    setNotes(id, notes) {
      const { changes } = db.run('UPDATE projects SET notes = ?, updated = ? WHERE id = ?', [notes, Date.now(), id]);
      if (changes === 0) throw new CodedError('store/not-found', `no project with id ${id}`);
      return get(id);
    },
    delete(id) {
      const { changes } = db.run('DELETE FROM projects WHERE id = ?', [id]);
      if (changes === 0) throw new CodedError('store/not-found', `no project with id ${id}`);
      afterDelete();
    },
    freeName(name) {
      const base = checkName(name);
      if (!find(base)) return base;
      for (let i = 2; ; i++) {
        const candidate = `${base} (${i})`;
        if (!find(candidate)) return candidate;
      }
    },
  };
}
