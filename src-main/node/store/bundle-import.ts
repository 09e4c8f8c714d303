// Import of a project bundle (bundle-format.ts) as a new project: the bundle is copied and migrated on the side
// (an older bundle is upgraded, a newer one refused, the user's file never touched), then its rows are copied in
// one transaction with new ids. A name already taken gets " (2)", " (3)", ...; runs caught 'running' arrive 'interrupted'.
import { copyFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CodedError } from '../../contract/result';
import { checkBundleHeader, tableColumns } from './bundle-format';
import { type Database, openDatabase } from './database';
import { migrate } from './migrations';
import type { ProjectId } from './types';

export interface ImportResult {
  readonly projectId: ProjectId;
  readonly name: string;
  readonly runs: number;
}

const ALIAS = 'src';

/** Checks the copy and brings it to the current schema; it must hold exactly one project. */
function prepareCopy(path: string, source: string): void {
  const { db: bundle } = openDatabase(path);
  try {
    migrate(bundle);
    const problems = bundle.all<{ quick_check: string }>('PRAGMA quick_check').map((r) => r.quick_check);
    if (problems.join() !== 'ok') throw new CodedError('store/corrupt', `the bundle ${source} is damaged: ${problems.slice(0, 3).join('; ')}`);
    const projects = bundle.get<{ n: number }>('SELECT count(*) AS n FROM projects')!.n;
    if (projects !== 1) throw new CodedError('store/bad-bundle', `${source} holds ${projects} projects; a bundle holds one`);
  } finally {
    bundle.close();
  }
}

function freeProjectName(db: Database, name: string): string {
  const taken = (candidate: string) => db.get('SELECT 1 FROM main.projects WHERE name = ?', [candidate]) !== undefined;
  if (!taken(name)) return name;
  for (let i = 2; ; i++) if (!taken(`${name} (${i})`)) return `${name} (${i})`;
}

/**
 * Copies every row of `src.table` whose `parent` column is in `parentMap` (old -> new ids), with the new parent id.
 * With `ownMap`, the table has its own integer id: rows go one by one and `ownMap` learns their new ids.
 */
function copyTable(db: Database, table: string, parent: string, parentMap: string, ownMap?: string, overrides: Record<string, string> = {}): void {
  const columns = tableColumns(db, 'main', table).filter((c) => c !== 'id');
  const exprs = columns.map((c) => (c === parent ? 'pm.new' : (overrides[c] ?? `x.${c}`)));
  const select = `SELECT ${exprs.join(', ')} FROM ${ALIAS}.${table} x JOIN temp.${parentMap} pm ON pm.old = x.${parent}`;
  const insert = `INSERT INTO main.${table} (${columns.join(', ')}) ${select}`;
  if (!ownMap) {
    db.run(insert);
    return;
  }
  db.exec(`CREATE TEMP TABLE ${ownMap} (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)`);
  // In id order, so that a run duplicated from another finds its source already mapped.
  for (const { id } of db.all<{ id: number }>(`SELECT x.id FROM ${ALIAS}.${table} x JOIN temp.${parentMap} pm ON pm.old = x.${parent} ORDER BY x.id`)) {
    const { lastInsertRowid } = db.run(`${insert} WHERE x.id = ?`, [id]);
    db.run(`INSERT INTO temp.${ownMap} (old, new) VALUES (?, ?)`, [id, lastInsertRowid]);
  }
}

export function importProject(db: Database, file: string): ImportResult {
  const source = resolve(file);
  checkBundleHeader(source);
  // Beside the workspace: the same disk must hold the imported rows anyway.
  const copy = `${db.path}.import-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    copyFileSync(source, copy);
  } catch (error) {
    rmSync(copy, { force: true });
    throw new CodedError('store/io', `cannot copy the bundle ${source} next to the workspace: ${(error as Error).message}`);
  }
  try {
    prepareCopy(copy, source);
    db.attach(copy, ALIAS);
    try {
      return db.transaction(() => {
        const project = db.get<{ id: number; name: string; notes: string; created: number }>(`SELECT id, name, notes, created FROM ${ALIAS}.projects`)!;
        const name = freeProjectName(db, project.name);
        const { lastInsertRowid: projectId } = db.run('INSERT INTO main.projects (name, notes, created, updated) VALUES (?, ?, ?, ?)', [
          name,
          project.notes,
          project.created,
          Date.now(),
        ]);
        db.exec('CREATE TEMP TABLE import_project_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)');
        db.run('INSERT INTO temp.import_project_map (old, new) VALUES (?, ?)', [project.id, projectId]);
        copyTable(db, 'runs', 'project_id', 'import_project_map', 'import_run_map', {
          status: "CASE x.status WHEN 'running' THEN 'interrupted' ELSE x.status END",
          runner: 'NULL',
          source_run_id: '(SELECT m.new FROM temp.import_run_map m WHERE m.old = x.source_run_id)',
        });
        copyTable(db, 'run_tags', 'run_id', 'import_run_map');
        copyTable(db, 'metrics', 'run_id', 'import_run_map');
        copyTable(db, 'kernel_snapshots', 'run_id', 'import_run_map', 'import_kernel_map');
        copyTable(db, 'kernel_chunks', 'owner_id', 'import_kernel_map');
        copyTable(db, 'artifacts', 'run_id', 'import_run_map', 'import_artifact_map');
        copyTable(db, 'artifact_chunks', 'owner_id', 'import_artifact_map');
        const runs = db.get<{ n: number }>('SELECT count(*) AS n FROM temp.import_run_map')!.n;
        for (const map of ['import_project_map', 'import_run_map', 'import_kernel_map', 'import_artifact_map']) db.exec(`DROP TABLE temp.${map}`);
        return { projectId, name, runs };
      });
    } finally {
      db.detach(ALIAS);
    }
  } finally {
    rmSync(copy, { force: true });
  }
}
