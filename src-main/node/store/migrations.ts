// The store's schema as an ordered list of migrations, and the runner that brings a database up to the newest one.
// Applied versions are rows of `schema_migrations`; each migration runs in its own transaction, so a crash leaves
// the database at the previous version, never between two.
import { CodedError } from '../../contract/result';
import type { Database } from './database';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * It rebuilds a table other tables reference (SQLite's 12-step ALTER): foreign keys are off around its transaction
   * (a DROP would cascade otherwise, and the transaction cannot switch them) and checked before it commits.
   */
  readonly rebuildsTables?: boolean;
}

/** 'NTKW': marks a file as a workbench store (workspace or project bundle) for `PRAGMA application_id`. */
export const APPLICATION_ID = 0x4e544b57;

/**
 * The runs table under `name` with the run kinds its CHECK allows. A migration's kinds are written out in it, never
 * taken from the contract's RUN_KINDS: what an applied migration did must not change when the contract does. The
 * self-reference names `runs`, the table's name once a rebuild has renamed it into place.
 */
const runsTable = (name: string, kinds: readonly string[]) => `CREATE TABLE ${name} (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN (${kinds.map((k) => `'${k}'`).join(', ')})),
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
);`;
const RUNS_INDEXES = `CREATE INDEX runs_by_project ON runs(project_id, created);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_source ON runs(source_run_id);`;

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
${runsTable('runs', ['train', 'import', 'analytic'])}
${RUNS_INDEXES}
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

// The 'analytic' kind was reserved in version 1 and never created by any workbench: runs are 'train' or 'import'. The
// rows are copied unchanged (ids kept, so every reference still holds); a store holding an 'analytic' row written by
// hand fails the CHECK, and the migration rolls back whole, leaving it at version 1.
const RUN_KINDS_TRAIN_IMPORT = `
${runsTable('runs_rebuilt', ['train', 'import'])}
INSERT INTO runs_rebuilt SELECT id, project_id, name, kind, status, config, backend, seed, created, started, finished,
  error_code, error_message, summary, notes, runner, source_run_id FROM runs;
DROP TABLE runs;
ALTER TABLE runs_rebuilt RENAME TO runs;
${RUNS_INDEXES}
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: INITIAL_SCHEMA },
  { version: 2, name: "run kinds 'train' and 'import'", sql: RUN_KINDS_TRAIN_IMPORT, rebuildsTables: true },
];

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
    if (m.rebuildsTables) db.exec('PRAGMA foreign_keys = OFF');
    try {
      db.transaction(() => {
        // Another process may have applied it since we looked: the IMMEDIATE transaction makes this check final.
        if (schemaVersion(db) >= m.version) return;
        db.exec(m.sql);
        const broken = m.rebuildsTables ? db.all<{ table: string }>('PRAGMA foreign_key_check') : [];
        if (broken.length > 0) throw new CodedError('store/corrupt', `migration ${m.name} left ${broken.length} broken references (first in ${broken[0].table})`);
        db.run('INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
        db.exec(`PRAGMA user_version = ${m.version}`);
        db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
      });
    } finally {
      if (m.rebuildsTables) db.exec('PRAGMA foreign_keys = ON');
    }
  }
  return { from, to: latest };
}
