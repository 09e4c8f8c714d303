// The store's schema as an ordered list of migrations, and the runner that brings a database up to the newest one.
// Applied versions are rows of `schema_migrations`; each migration runs in its own transaction, so a crash leaves
// the database at the previous version, never between two.
import { CodedError } from '../../contract/result';
import type { Database } from './database';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** 'NTKW': marks a file as a workbench store (workspace or project bundle) for `PRAGMA application_id`. */
export const APPLICATION_ID = 0x4e544b57;

// Metrics are keyed (run, name, step) without a rowid: the key is the read index, and appending the same step twice
// replaces it. Kernels and artifact bytes are stored in chunks (blob-chunks.ts) so that a large kernel never has to
// fit in the WebAssembly heap at once. NULL metric values stand for NaN, which SQLite cannot store.
const INITIAL_SCHEMA = `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  notes TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('train', 'import', 'analytic')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  config TEXT NOT NULL,
  backend TEXT,
  seed INTEGER,
  created INTEGER NOT NULL,
  started INTEGER,
  finished INTEGER,
  error_code TEXT,
  error_message TEXT,
  summary TEXT,
  notes TEXT NOT NULL DEFAULT '',
  runner TEXT,
  source_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL
);
CREATE INDEX runs_by_project ON runs(project_id, created);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_source ON runs(source_run_id);
CREATE TABLE run_tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX run_tags_by_tag ON run_tags(tag);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  wall_time REAL NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;
CREATE TABLE kernel_snapshots (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('full', 'trace')),
  rows INTEGER NOT NULL,
  cols INTEGER NOT NULL,
  dtype TEXT NOT NULL CHECK (dtype = 'float64'),
  data_bytes INTEGER NOT NULL,
  eigenvalues BLOB,
  sweep BLOB,
  created INTEGER NOT NULL,
  UNIQUE (run_id, step, kind)
);
CREATE TABLE kernel_chunks (
  owner_id INTEGER NOT NULL REFERENCES kernel_snapshots(id) ON DELETE CASCADE,
  chunk INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (owner_id, chunk)
);
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('params', 'model', 'other')),
  path TEXT,
  size INTEGER NOT NULL,
  meta TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  UNIQUE (run_id, name)
);
CREATE TABLE artifact_chunks (
  owner_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  chunk INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (owner_id, chunk)
);
`;

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial schema', sql: INITIAL_SCHEMA }];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

export function schemaVersion(db: Database): number {
  const table = db.get<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table) return 0;
  return db.get<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')?.version ?? 0;
}

/** Applies the pending migrations in order; refuses a database written by a newer workbench. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new CodedError('internal', `migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = latestVersion(migrations);
  const from = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)');
    return schemaVersion(db);
  });
  if (from > latest) {
    throw new CodedError('store/version', `${db.path} has schema version ${from}; this workbench knows up to ${latest}: update the workbench`);
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      // Another process may have applied it since we looked: the IMMEDIATE transaction makes this check final.
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.run('INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    });
  }
  return { from, to: latest };
}
