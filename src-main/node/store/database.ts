// The store's SQLite connection: opens a workspace file, sets the pragmas the store relies on, runs transactions and
// turns every SQLite failure into a CodedError ('store/...').
// Why node-sqlite3-wasm: SQLite compiled to WebAssembly with a VFS over node:fs, so one package loads under node 20
// and in Electron 45's main process with no native rebuild (better-sqlite3 is tied to one V8 ABI).
// sql.js was rejected: it keeps the database in memory and rewrites the whole file on export, so a crash loses all
// work since the last export. WAL needs shared memory this VFS lacks (or exclusive locking: one process at a time, the
// CLI locked out while the app runs), so we use the rollback journal with synchronous=FULL and SQLite's reader/writer
// lock levels (vfs-locks.ts, in place of the VFS's one-level lock): reads wait only for a writer's commit. Lock
// directories left by killed processes are cleared here (lock-holders.ts).
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CodedError, type ErrorCode } from '../../contract/result';
import { checkDatabaseFile } from './file-header';
import { clearStaleLock, type Holder, registerHolder } from './lock-holders';
import { type SqliteModule, sqliteDriver } from './sqlite-driver';

type RawDatabase = InstanceType<SqliteModule['Database']>;
type RawStatement = ReturnType<RawDatabase['prepare']>;

export type SqlValue = number | bigint | string | Uint8Array | null;
export type SqlParams = readonly (SqlValue | boolean)[];

export interface Database {
  readonly path: string;
  /** This connection's lock-holder id; a run records it as its runner. */
  readonly holderId: string;
  exec(sql: string): void;
  run(sql: string, params?: SqlParams): { changes: number; lastInsertRowid: number };
  /** First row of a query that returns at most a few rows (every row is stepped, so no lock stays held). */
  get<T>(sql: string, params?: SqlParams): T | undefined;
  all<T>(sql: string, params?: SqlParams): T[];
  /** Streams the rows to `onRow` without building an array. */
  each<T>(sql: string, params: SqlParams, onRow: (row: T) => void): void;
  /** Attaches another database file under `alias` (outside a transaction), for copies between files. */
  attach(file: string, alias: string): void;
  /** Detaches it; cached statements go first, since some of them name the alias. */
  detach(alias: string): void;
  /** Runs `fn` (synchronous) in one IMMEDIATE transaction; inside another transaction it joins that one. */
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn`, which only reads, in one DEFERRED transaction: a consistent view under a shared lock, so it neither
   * waits for a writer's transaction (only for its commit) nor holds one up; inside another transaction it joins it.
   */
  read<T>(fn: () => T): T;
  readonly isOpen: boolean;
  close(): void;
}

export interface OpenDatabaseResult {
  readonly db: Database;
  /** A lock left by a dead process was removed at open (its transaction is rolled back). */
  readonly clearedStaleLock: boolean;
}

export interface OpenOptions {
  /** How long an access waits for another process's transaction before failing 'store/busy'; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const ERROR_PATTERNS: readonly [RegExp, ErrorCode][] = [
  [/database is locked|database table is locked/i, 'store/busy'],
  [/file is not a database|malformed|database corrupt/i, 'store/corrupt'],
  [/too big|out of memory/i, 'store/too-large'],
  [/UNIQUE constraint failed/i, 'store/conflict'],
  [/FOREIGN KEY constraint failed/i, 'store/not-found'],
  [/disk I\/O error|disk is full|unable to open|could not open|readonly database|read-only|cannot open/i, 'store/io'],
];

/** A CodedError for any failure of a store operation; CodedErrors pass through unchanged. */
export function toStoreError(error: unknown, path: string): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = ERROR_PATTERNS.find(([pattern]) => pattern.test(message))?.[1] ?? 'internal';
  const hint =
    code === 'store/busy'
      ? ' (another process kept the workspace database busy longer than the busy timeout)'
      : code === 'store/io'
        ? ' (is the disk full or the folder read-only?)'
        : '';
  return new CodedError(code, `${path}: ${message}${hint}`);
}

/** Checks the folder and the file with node:fs first: SQLite's own open error does not say why. */
function ensureWritableFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new CodedError('store/io', `cannot create the workspace folder ${dirname(path)}: ${(error as Error).message}`);
  }
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a folder');
    closeSync(openSync(path, 'a', 0o600));
  } catch (error) {
    throw new CodedError('store/io', `cannot open the workspace database ${path} for writing: ${(error as Error).message}`);
  }
}

export function openDatabase(file: string, options: OpenOptions = {}): OpenDatabaseResult {
  const path = resolve(file);
  ensureWritableFile(path);
  // Before any lock file or holder appears next to it: a damaged file is refused, never written.
  checkDatabaseFile(path);
  let holder: Holder;
  let clearedStaleLock: boolean;
  try {
    clearedStaleLock = clearStaleLock(path);
    holder = registerHolder(path);
  } catch (error) {
    throw new CodedError('store/io', `cannot register with the workspace database ${path}: ${(error as Error).message}`);
  }
  let raw: RawDatabase;
  try {
    raw = new (sqliteDriver().Database)(path);
  } catch (error) {
    holder.release();
    throw toStoreError(error, path);
  }
  const db = wrap(raw, path, holder);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.exec('PRAGMA foreign_keys = ON');
    // The first statement that reads the file: a non-database file fails here with 'store/corrupt'.
    if (db.get<{ page_count: number }>('PRAGMA page_count')?.page_count === 0) db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    db.exec('PRAGMA journal_mode = DELETE');
    db.exec('PRAGMA synchronous = FULL');
  } catch (error) {
    db.close();
    throw toStoreError(error, path);
  }
  return { db, clearedStaleLock };
}

function wrap(raw: RawDatabase, path: string, holder: Holder): Database {
  const statements = new Map<string, RawStatement>();
  let open = true;

  /** Runs `use` on the cached statement for `sql`; a statement that failed midway is dropped, so it holds no lock. */
  const withStatement = <T>(sql: string, use: (stmt: RawStatement) => T): T => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = raw.prepare(sql);
      statements.set(sql, stmt);
    }
    try {
      return use(stmt);
    } catch (error) {
      statements.delete(sql);
      try {
        stmt.finalize();
      } catch {
        // Finalizing reports the statement's last error again; the first report is the one that counts.
      }
      throw error;
    }
  };

  /** On 'busy' outside a transaction, clears a lock left by a dead process and tries once more. */
  const guarded = <T>(op: () => T): T => {
    if (!open) throw new CodedError('store/io', `${path}: the workspace database is closed`);
    try {
      return op();
    } catch (error) {
      const mapped = toStoreError(error, path);
      if (mapped.code !== 'store/busy' || raw.inTransaction || !clearStaleLock(path, holder.id)) throw mapped;
      try {
        return op();
      } catch (again) {
        throw toStoreError(again, path);
      }
    }
  };

  const bind = (params: SqlParams | undefined) => (params ?? []) as (SqlValue | boolean)[];

  const finalizeAll = () => {
    for (const stmt of statements.values()) stmt.finalize();
    statements.clear();
  };

  const inTransaction = <T>(begin: string, fn: () => T): T => {
    if (open && raw.inTransaction) return fn();
    guarded(() => raw.exec(begin));
    try {
      const result = fn();
      if (result instanceof Promise) throw new CodedError('internal', 'store transactions take synchronous functions');
      raw.exec('COMMIT');
      return result;
    } catch (error) {
      if (raw.inTransaction) {
        try {
          raw.exec('ROLLBACK');
        } catch {
          // SQLite rolls back by itself after some I/O errors; the original error is the one to report.
        }
      }
      throw toStoreError(error, path);
    }
  };

  return {
    path,
    holderId: holder.id,
    get isOpen() {
      return open;
    },
    exec: (sql) => guarded(() => raw.exec(sql)),
    run: (sql, params) =>
      guarded(() =>
        withStatement(sql, (stmt) => {
          const result = stmt.run(bind(params));
          return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
        }),
      ),
    get: <T>(sql: string, params?: SqlParams) => guarded(() => withStatement(sql, (stmt) => stmt.all(bind(params))[0] as T | undefined)),
    all: <T>(sql: string, params?: SqlParams) => guarded(() => withStatement(sql, (stmt) => stmt.all(bind(params)) as T[])),
    each: <T>(sql: string, params: SqlParams, onRow: (row: T) => void) =>
      guarded(() =>
        withStatement(sql, (stmt) => {
          for (const row of stmt.iterate(bind(params))) onRow(row as T);
        }),
      ),
    attach: (file, alias) => guarded(() => raw.run(`ATTACH DATABASE ? AS ${alias}`, [file])),
    detach: (alias) =>
      guarded(() => {
        finalizeAll();
        raw.exec(`DETACH DATABASE ${alias}`);
      }),
    transaction: <T>(fn: () => T): T => inTransaction('BEGIN IMMEDIATE', fn),
    read: <T>(fn: () => T): T => inTransaction('BEGIN', fn),
    close() {
      if (!open) return;
      open = false;
      try {
        finalizeAll();
        raw.close();
      } catch (error) {
        throw toStoreError(error, path);
      } finally {
        holder.release();
      }
    },
  };
}
