// Runs: create (queued), the status lifecycle, rename, tags, notes, duplicate with a patched config, delete, list
// and get; and recovery after a crash: runs whose process died while running become 'interrupted', and queued runs
// whose host died are taken over by another host's queue or marked 'interrupted'.
import { CodedError, type ErrorCode } from '../../contract/result';
import type { RunConfigs } from '../../contract/records';
import { parseConfigOf } from '../config-file';
import { toJson } from '../run-output/run-writer';
import { applyConfigPatch, type ConfigPatch } from './config-patch';
import type { Database } from './database';
import { checkText } from './text-field';
import type { ProjectId, RunBackend, RunId, RunKind, RunListItem, RunRecord, RunState } from './types';

interface NewRunFields {
  /** Defaults to config.name, then `run <id>`. */
  readonly name?: string;
  /** Defaults to config.seed when it is a number. */
  readonly seed?: number;
  readonly notes?: string;
  readonly tags?: readonly string[];
}

/** A run to create, keyed on kind; its config is already parsed (config-file.ts parseConfigOf), so it is stored as given. */
export type NewRun = { [K in RunKind]: NewRunFields & { readonly kind: K; readonly config: RunConfigs[K] } }[RunKind];

export interface DuplicateOptions {
  readonly configPatch?: ConfigPatch;
  readonly name?: string;
  /** Another project to put the new run in; default the source's. */
  readonly projectId?: ProjectId;
}

/** What becomes of a queued run whose host died before starting it: taken over by this host's queue, or interrupted. */
export type OrphanedQueuedPolicy = 'requeue' | 'interrupt';

export interface RunRepo {
  create(projectId: ProjectId, run: NewRun): RunRecord;
  get(id: RunId): RunRecord;
  list(projectId: ProjectId, filter?: { readonly status?: readonly RunState[] }): RunRecord[];
  /** The project's runs that carry `tag` (e.g. the key a merge recognises an already merged run by). */
  findByTag(projectId: ProjectId, tag: string): RunRecord[];
  /** queued -> running; records the backend, this connection as the runner, and what is known at the start (summary). */
  markRunning(id: RunId, backend?: RunBackend, summary?: object): RunRecord;
  /** running -> done. */
  markDone(id: RunId, summary?: object): RunRecord;
  /** queued | running -> failed. */
  markFailed(id: RunId, error: { readonly code: ErrorCode; readonly message: string }, summary?: object): RunRecord;
  /** queued | running -> cancelled. */
  markCancelled(id: RunId, summary?: object): RunRecord;
  rename(id: RunId, name: string): RunRecord;
  setNotes(id: RunId, notes: string): RunRecord;
  tag(id: RunId, tag: string): RunRecord;
  untag(id: RunId, tag: string): RunRecord;
  /** "Run again with changes": a new queued run with the source's kind, tags and patched config. */
  duplicate(id: RunId, options?: DuplicateOptions): RunRecord;
  delete(id: RunId): void;
  /** The circle sweep the summary holds (sweepPhis, sweepAnalytic), or null; summaries from get and list leave it out. */
  sweep(id: RunId): { phis: number[]; analytic: number[] | null } | null;
  /** Runs left 'running' by a process that is gone become 'interrupted'; returns their ids. */
  markInterrupted(liveHolders: ReadonlySet<string>): RunId[];
  /** Records that this connection's host holds a queued run in its job queue (so that its death can be noticed). */
  claimQueued(id: RunId): RunRecord;
  /**
   * Queued runs whose host is gone: 'requeue' claims them for this connection (ids in queue order, for its job
   * queue), 'interrupt' marks them interrupted. Claiming is atomic: two hosts starting at once never both take one.
   */
  recoverQueued(liveHolders: ReadonlySet<string>, policy: OrphanedQueuedPolicy): RunId[];
}

interface RunRow {
  id: number;
  project_id: number;
  name: string;
  kind: RunKind;
  status: RunState;
  config: string;
  backend: string | null;
  seed: number | null;
  created: number;
  started: number | null;
  finished: number | null;
  error_code: string | null;
  error_message: string | null;
  summary: string | null;
  notes: string;
  source_run_id: number | null;
  tags: string;
}

// Summaries leave out the circle sweep's arrays (a few thousand numbers per run): sweep() reads them on demand.
const SWEEP_KEYS = ['sweepPhis', 'sweepAnalytic'] as const;
const COLUMNS = `r.id, r.project_id, r.name, r.kind, r.status, r.seed, r.created, r.started, r.finished, r.error_code,
  r.error_message, json_remove(r.summary, ${SWEEP_KEYS.map((key) => `'$.${key}'`).join(', ')}) AS summary, r.notes, r.source_run_id,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags`;

const toListItem = (row: RunRow): RunListItem => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  kind: row.kind,
  status: row.status,
  seed: row.seed,
  created: row.created,
  started: row.started,
  finished: row.finished,
  error: row.error_message === null ? null : { code: row.error_code as ErrorCode | null, message: row.error_message },
  summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
  notes: row.notes,
  tags: JSON.parse(row.tags) as string[],
  sourceRunId: row.source_run_id,
});

const ALLOWED_FROM: Record<'running' | 'done' | 'failed' | 'cancelled', readonly RunState[]> = {
  running: ['queued'],
  done: ['running'],
  failed: ['queued', 'running'],
  cancelled: ['queued', 'running'],
};

export function createRunRepo(db: Database, afterDelete: () => void): RunRepo {
  // Configs are parsed before they are stored (create, duplicate; a bundle brings rows another store wrote), so one is
  // read back as its kind's type; a worker parses it again before it runs it.
  const toRecord = (row: RunRow): RunRecord => ({
    ...toListItem(row),
    kind: row.kind,
    config: JSON.parse(row.config) as RunConfigs[typeof row.kind],
    backend: row.backend === null ? null : (JSON.parse(row.backend) as RunBackend),
  }) as RunRecord;
  const get = (id: RunId): RunRecord => {
    const row = db.get<RunRow>(`SELECT ${COLUMNS}, r.config, r.backend FROM runs r WHERE r.id = ?`, [id]);
    if (!row) throw new CodedError('store/not-found', `no run with id ${id}`);
    return toRecord(row);
  };
  const touchProject = (projectId: ProjectId) => db.run('UPDATE projects SET updated = ? WHERE id = ?', [Date.now(), projectId]);
  // No row changed: either the run is missing (get says store/not-found) or nothing needed changing.
  const failIfMissing = (id: RunId, changes: number) => {
    if (changes === 0) get(id);
  };

  /** Moves a run to `to` when its status allows it, with `set` (SQL assignments) and their values. */
  const transition = (id: RunId, to: keyof typeof ALLOWED_FROM, set: string, values: readonly (string | number | null)[]) =>
    db.transaction(() => {
      const from = ALLOWED_FROM[to];
      const { changes } = db.run(`UPDATE runs SET status = ?, ${set} WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`, [
        to,
        ...values,
        id,
        ...from,
      ]);
      if (changes === 0) {
        const current = get(id).status;
        throw new CodedError('store/invalid-state', `run ${id} is ${current}; only a ${from.join(' or ')} run can become ${to}`);
      }
      return get(id);
    });

  const insertTags = (id: RunId, tags: readonly string[]) => {
    for (const tag of tags) db.run('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)', [id, checkText('tag', tag, 100)]);
  };

  const create = (projectId: ProjectId, run: NewRun, sourceRunId: RunId | null = null): RunRecord =>
    db.transaction(() => {
      if (!db.get('SELECT 1 FROM projects WHERE id = ?', [projectId])) throw new CodedError('store/not-found', `no project with id ${projectId}`);
      const { config } = run;
      const name = run.name ?? ('name' in config && typeof config.name === 'string' ? config.name : undefined);
      const seed = run.seed ?? ('seed' in config && typeof config.seed === 'number' ? config.seed : null);
      const { lastInsertRowid: id } = db.run(
        `INSERT INTO runs (project_id, name, kind, status, config, seed, created, notes, source_run_id)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
        [projectId, name === undefined ? '' : checkText('run name', name, 200), run.kind, toJson(config), seed, Date.now(), run.notes ?? '', sourceRunId],
      );
      if (name === undefined) db.run('UPDATE runs SET name = ? WHERE id = ?', [`run ${id}`, id]);
      insertTags(id, run.tags ?? []);
      touchProject(projectId);
      return get(id);
    });

  const pidOf = (runner: string | null) => runner?.split('-')[0] ?? 'unknown';

  return {
    create: (projectId, run) => create(projectId, run),
    get,
    sweep(id) {
      const row = db.get<{ phis: string | null; analytic: string | null }>(
        `SELECT json_extract(summary, '$.${SWEEP_KEYS[0]}') AS phis, json_extract(summary, '$.${SWEEP_KEYS[1]}') AS analytic FROM runs WHERE id = ?`,
        [id],
      );
      if (!row) throw new CodedError('store/not-found', `no run with id ${id}`);
      if (row.phis === null) return null;
      return { phis: JSON.parse(row.phis) as number[], analytic: row.analytic === null ? null : (JSON.parse(row.analytic) as number[]) };
    },
    list(projectId, filter = {}) {
      const states = filter.status ?? [];
      const where = states.length > 0 ? ` AND r.status IN (${states.map(() => '?').join(', ')})` : '';
      // Whole records: a runs table shows config fields, and one query beats a runs:get per row.
      return db.all<RunRow>(`SELECT ${COLUMNS}, r.config, r.backend FROM runs r WHERE r.project_id = ?${where} ORDER BY r.created DESC, r.id DESC`, [projectId, ...states]).map(toRecord);
    },
    findByTag: (projectId, tag) =>
      db
        .all<RunRow>(
          `SELECT ${COLUMNS}, r.config, r.backend FROM runs r WHERE r.project_id = ? AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?) ORDER BY r.id`,
          [projectId, tag],
        )
        .map(toRecord),
    markRunning: (id, backend, summary) =>
      transition(id, 'running', 'started = ?, runner = ?, backend = ?, summary = ?', [Date.now(), db.holderId, backend ? toJson(backend) : null, summary ? toJson(summary) : null]),
    markDone: (id, summary) => transition(id, 'done', 'finished = ?, summary = ?', [Date.now(), summary ? toJson(summary) : null]),
    markFailed: (id, error, summary) =>
      transition(id, 'failed', 'finished = ?, error_code = ?, error_message = ?, summary = ?', [Date.now(), error.code, error.message, summary ? toJson(summary) : null]),
    markCancelled: (id, summary) => transition(id, 'cancelled', 'finished = ?, summary = ?', [Date.now(), summary ? toJson(summary) : null]),
    rename(id, name) {
      failIfMissing(id, db.run('UPDATE runs SET name = ? WHERE id = ?', [checkText('run name', name, 200), id]).changes);
      return get(id);
    },
    setNotes(id, notes) {
      failIfMissing(id, db.run('UPDATE runs SET notes = ? WHERE id = ?', [notes, id]).changes);
      return get(id);
    },
    tag(id, tag) {
      get(id);
      insertTags(id, [tag]);
      return get(id);
    },
    untag(id, tag) {
      get(id);
      db.run('DELETE FROM run_tags WHERE run_id = ? AND tag = ?', [id, tag.trim()]);
      return get(id);
    },
    duplicate(id, options = {}) {
      const source = get(id);
      const patched = options.configPatch ? parseConfigOf(source.kind, applyConfigPatch(source.config, options.configPatch), `run ${id}'s patched config`) : source.config;
      const patchedName = options.configPatch && typeof options.configPatch.name === 'string' ? options.configPatch.name : undefined;
      const seed = 'seed' in patched && typeof patched.seed === 'number' ? patched.seed : (source.seed ?? undefined);
      const fields = { name: options.name ?? patchedName ?? `${source.name} (again)`, seed, tags: source.tags };
      return create(options.projectId ?? source.projectId, { ...fields, kind: source.kind, config: patched } as NewRun, source.id);
    },
    delete(id) {
      db.transaction(() => {
        const { projectId } = get(id);
        db.run('DELETE FROM runs WHERE id = ?', [id]);
        touchProject(projectId);
      });
      afterDelete();
    },
    markInterrupted(liveHolders) {
      return db.transaction(() => {
        const running = db.all<{ id: number; runner: string | null }>("SELECT id, runner FROM runs WHERE status = 'running'");
        const orphans = running.filter((r) => r.runner === null || !liveHolders.has(r.runner));
        const now = Date.now();
        for (const { id, runner } of orphans) {
          db.run("UPDATE runs SET status = 'interrupted', finished = ?, error_message = ? WHERE id = ?", [
            now,
            `the process running it (pid ${pidOf(runner)}) ended without finishing it`,
            id,
          ]);
        }
        return orphans.map((r) => r.id);
      });
    },
    claimQueued(id) {
      const { changes } = db.run("UPDATE runs SET runner = ? WHERE id = ? AND status = 'queued'", [db.holderId, id]);
      const run = get(id);
      if (changes === 0) throw new CodedError('store/invalid-state', `run ${id} is ${run.status}; only a queued run can join a job queue`);
      return run;
    },
    recoverQueued(liveHolders, policy) {
      return db.transaction(() => {
        // A queued run without a runner was never put in a queue (a duplicate nobody started): nobody lost it.
        const queued = db.all<{ id: number; runner: string }>("SELECT id, runner FROM runs WHERE status = 'queued' AND runner IS NOT NULL ORDER BY created, id");
        const orphans = queued.filter((r) => !liveHolders.has(r.runner) && r.runner !== db.holderId);
        const now = Date.now();
        for (const { id, runner } of orphans) {
          if (policy === 'requeue') db.run('UPDATE runs SET runner = ? WHERE id = ?', [db.holderId, id]);
          else {
            db.run("UPDATE runs SET status = 'interrupted', finished = ?, error_message = ? WHERE id = ?", [
              now,
              `the process that queued it (pid ${pidOf(runner)}) ended before it started`,
              id,
            ]);
          }
        }
        return orphans.map((r) => r.id);
      });
    },
  };
}
