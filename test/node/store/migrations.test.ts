import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/node/store/database';
import { APPLICATION_ID, latestVersion, migrate, MIGRATIONS, type Migration, schemaVersion } from '../../../src-main/node/store/migrations';
import { openStore } from '../../../src-main/node/store/store';
import { tempDir } from './temp-store';

function openRaw(path: string) {
  const { db } = openDatabase(path);
  return db;
}

const tables = (db: ReturnType<typeof openRaw>) =>
  db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name);

describe('store migrations', () => {
  it('builds the whole schema from an empty database and records every version', () => {
    const path = join(tempDir(), 'empty.sqlite');
    const db = openRaw(path);
    try {
      expect(schemaVersion(db)).toBe(0);
      expect(migrate(db)).toEqual({ from: 0, to: latestVersion() });
      expect(tables(db)).toEqual(
        expect.arrayContaining(['projects', 'runs', 'run_tags', 'metrics', 'kernel_snapshots', 'kernel_chunks', 'artifacts', 'artifact_chunks', 'schema_migrations']),
      );
      const applied = db.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(db.get<{ user_version: number }>('PRAGMA user_version')?.user_version).toBe(latestVersion());
      expect(db.get<{ application_id: number }>('PRAGMA application_id')?.application_id).toBe(APPLICATION_ID);
      expect(db.get<{ auto_vacuum: number }>('PRAGMA auto_vacuum')?.auto_vacuum).toBe(2);
      expect(db.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode).toBe('delete');
      expect(db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')?.foreign_keys).toBe(1);
      const metricsIndex = db.all<{ name: string }>("SELECT name FROM pragma_index_info('sqlite_autoindex_metrics_1')").map((r) => r.name);
      expect(metricsIndex).toEqual(['run_id', 'name', 'step']);
      expect(db.all<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  });

  it('is a no-op on an up-to-date database, and openStore migrates on open', () => {
    const path = join(tempDir(), 'store.sqlite');
    openStore(path).close();
    const db = openRaw(path);
    try {
      expect(migrate(db)).toEqual({ from: latestVersion(), to: latestVersion() });
      expect(db.get<{ n: number }>('SELECT count(*) AS n FROM schema_migrations')?.n).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('applies only the pending migrations, in order', () => {
    const path = join(tempDir(), 'steps.sqlite');
    const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
    const v2: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z);' };
    const db = openRaw(path);
    try {
      expect(migrate(db, [v1])).toEqual({ from: 0, to: 1 });
      db.run('INSERT INTO a (x) VALUES (7)');
      expect(migrate(db, [v1, v2])).toEqual({ from: 1, to: 2 });
      expect(db.all('SELECT x, y FROM a')).toEqual([{ x: 7, y: null }]);
      expect(tables(db)).toContain('b');
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back whole and keeps the previous version', () => {
    const path = join(tempDir(), 'fail.sqlite');
    const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE c (x); INSERT INTO no_such_table VALUES (1);' };
    const db = openRaw(path);
    try {
      migrate(db, [v1]);
      expect(() => migrate(db, [v1, bad])).toThrow(/no_such_table/);
      expect(schemaVersion(db)).toBe(1);
      expect(tables(db)).not.toContain('c');
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer workbench with store/version, and a gap in the list', () => {
    const path = join(tempDir(), 'newer.sqlite');
    const db = openRaw(path);
    try {
      migrate(db);
      db.run('INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)', [latestVersion() + 1, 'from the future', Date.now()]);
      expect(() => migrate(db)).toThrow(expect.objectContaining({ code: 'store/version' }));
      expect(() => migrate(db, [{ version: 2, name: 'gap', sql: '' }])).toThrow(/expected 1/);
    } finally {
      db.close();
    }
    expect(() => openStore(path)).toThrow(expect.objectContaining({ code: 'store/version' }));
  });

  it("version 2 rebuilds runs for the kinds 'train' and 'import', keeping every row and reference of a version-1 store", () => {
    const path = join(tempDir(), 'v1.sqlite');
    const db = openRaw(path);
    try {
      migrate(db, MIGRATIONS.slice(0, 1));
      db.run("INSERT INTO projects (id, name, created, updated) VALUES (1, 'p', 1, 1)");
      const insertRun = "INSERT INTO runs (id, project_id, name, kind, status, config, created, source_run_id) VALUES (?, 1, ?, ?, 'done', '{}', 1, ?)";
      db.run(insertRun, [7, 'first', 'train', null]);
      db.run(insertRun, [9, 'again', 'import', 7]);
      db.run("INSERT INTO run_tags (run_id, tag) VALUES (9, 'fig1')");
      db.run("INSERT INTO metrics (run_id, name, step, wall_time, value) VALUES (7, 'loss', 0, 0, 0.5)");
      db.run("INSERT INTO kernel_snapshots (id, run_id, step, kind, rows, cols, dtype, data_bytes, created) VALUES (3, 9, 0, 'full', 1, 1, 'float64', 8, 1)");
      const before = db.all('SELECT * FROM runs ORDER BY id');

      expect(migrate(db)).toEqual({ from: 1, to: latestVersion() });
      expect(db.all('SELECT * FROM runs ORDER BY id')).toEqual(before);
      expect(db.all('SELECT run_id, tag FROM run_tags')).toEqual([{ run_id: 9, tag: 'fig1' }]);
      expect(db.all('SELECT run_id, value FROM metrics')).toEqual([{ run_id: 7, value: 0.5 }]);
      expect(db.all('SELECT id, run_id FROM kernel_snapshots')).toEqual([{ id: 3, run_id: 9 }]);
      expect(db.all('PRAGMA foreign_key_check')).toEqual([]);
      expect(db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')?.foreign_keys).toBe(1);
      const indexes = db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name");
      expect(indexes.map((i) => i.name)).toEqual(['runs_by_project', 'runs_by_source', 'runs_by_status']);
      expect(() => db.run(insertRun, [10, 'reserved', 'analytic', null])).toThrow(/CHECK constraint failed/);
      // The references still act: deleting the source clears the copy's link, deleting a run cascades to its rows.
      db.run('DELETE FROM runs WHERE id = 7');
      expect(db.get<{ source_run_id: number | null }>('SELECT source_run_id FROM runs WHERE id = 9')?.source_run_id).toBeNull();
      expect(db.all('SELECT * FROM metrics')).toEqual([]);
      db.run('DELETE FROM projects WHERE id = 1');
      expect(db.all('SELECT * FROM kernel_snapshots')).toEqual([]);
      expect(db.all<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  });

  it("leaves a version-1 store holding a hand-written 'analytic' run at version 1, untouched", () => {
    const path = join(tempDir(), 'analytic.sqlite');
    const db = openRaw(path);
    try {
      migrate(db, MIGRATIONS.slice(0, 1));
      db.run("INSERT INTO projects (id, name, created, updated) VALUES (1, 'p', 1, 1)");
      db.run("INSERT INTO runs (id, project_id, name, kind, status, config, created) VALUES (1, 1, 'k', 'analytic', 'done', '{}', 1)");
      db.run("INSERT INTO metrics (run_id, name, step, wall_time, value) VALUES (1, 'loss', 0, 0, 1)");
      expect(() => migrate(db)).toThrow(/CHECK constraint failed/);
      expect(schemaVersion(db)).toBe(1);
      expect(db.all('SELECT id, kind FROM runs')).toEqual([{ id: 1, kind: 'analytic' }]);
      expect(db.all('SELECT run_id FROM metrics')).toEqual([{ run_id: 1 }]);
      expect(db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')?.foreign_keys).toBe(1);
    } finally {
      db.close();
    }
  });
});
