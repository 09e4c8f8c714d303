// Reader/writer locks for node-sqlite3-wasm's VFS (sqlite-driver.ts installs them), so that reads no longer wait
// behind a writer's whole transaction. The package locks with one level: every transaction, reads included, creates
// `<db>.lock/`, so a reader waited while the training worker built and committed a batch. These are SQLite's own
// rollback-journal levels (https://www.sqlite.org/lockingv3.html) over files, since node:fs has no byte-range locks:
//   SHARED     a file `<db>.readers/<pid>-<thread>-<random>` (content: the host name); many at once;
//   RESERVED   the directory `<db>.lock/` (mkdir is atomic: one writer) holding a file `writer` (its token and
//              host); readers go on;
//   PENDING    adds `<db>.lock/pending`: no new reader starts; EXCLUSIVE once no other live reader is registered.
// A writer writes the database file only under EXCLUSIVE (its commit), so readers wait for that part alone. A
// `<db>.lock/` without `writer` (being created, or taken by an older workbench with the one-level lock) counts as
// exclusive. Readers of dead processes are dropped when a writer meets them; a dead writer's `<db>.lock/` is cleared
// by lock-holders.ts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeDirEntry } from './dir-entry';

/** SQLite's lock levels and the result codes the VFS answers with. */
const NONE = 0;
const SHARED = 1;
const RESERVED = 2;
const PENDING = 3;
const EXCLUSIVE = 4;
const SQLITE_OK = 0;
const SQLITE_BUSY = 5;
const SQLITE_IOERR_LOCK = 3850;
const SQLITE_IOERR_UNLOCK = 2058;

export const WRITER_MARK = 'writer';
const PENDING_MARK = 'pending';

export const lockDirOf = (dbPath: string): string => `${dbPath}.lock`;
export const readersDirOf = (dbPath: string): string => `${dbPath}.readers`;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | undefined)?.code === code;

function quietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // Already gone (or, for a folder, still in use): nothing to do either way.
  }
}

/** What `<db>.lock/` says: no writer, a writer readers may read beside, or one they must wait for. */
function writerState(dbPath: string): 'none' | 'reserved' | 'exclusive' {
  let entries: string[];
  try {
    entries = readdirSync(lockDirOf(dbPath));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return 'none';
    throw error;
  }
  return entries.includes(WRITER_MARK) && !entries.includes(PENDING_MARK) ? 'reserved' : 'exclusive';
}

function addReader(dbPath: string, token: string): void {
  writeDirEntry(readersDirOf(dbPath), token, hostname());
}

function removeReader(dbPath: string, token: string): void {
  quietly(() => unlinkSync(join(readersDirOf(dbPath), token)));
  // Succeeds only once the last reader is gone: nothing stays next to a closed database.
  quietly(() => rmdirSync(readersDirOf(dbPath)));
}

/** Another reader whose process may be alive (a reader on another host always may); dead ones are removed. */
function otherLiveReader(dbPath: string, token: string): boolean {
  const dir = readersDirOf(dbPath);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
  for (const name of entries) {
    if (name === token) continue;
    const pid = Number.parseInt(name, 10);
    let host = hostname();
    try {
      host = readFileSync(join(dir, name), 'utf8') || host;
    } catch {
      // Removed meanwhile, or being written: judged by its pid.
    }
    if (host !== hostname() || pid === process.pid || processAlive(pid)) return true;
    quietly(() => unlinkSync(join(dir, name)));
  }
  return false;
}

function releaseWriter(dbPath: string): void {
  const dir = lockDirOf(dbPath);
  quietly(() => unlinkSync(join(dir, PENDING_MARK)));
  quietly(() => unlinkSync(join(dir, WRITER_MARK)));
  try {
    rmdirSync(dir);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}

interface FileLock {
  level: number;
  readonly token: string;
}

/** The lock of each open file of this thread's driver, by the VFS's file handle. */
const files = new Map<number, FileLock>();

/** xLock: raise the file's lock to `level` (SHARED, RESERVED or EXCLUSIVE), or answer SQLITE_BUSY. */
export function lockFile(dbPath: string, file: number, level: number): number {
  let lock = files.get(file);
  if (!lock) {
    lock = { level: NONE, token: `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}` };
    files.set(file, lock);
  }
  if (level <= lock.level) return SQLITE_OK;
  try {
    if (lock.level === NONE) {
      if (writerState(dbPath) === 'exclusive') return SQLITE_BUSY;
      addReader(dbPath, lock.token);
      // A writer that raised PENDING between the check and the registration may not have seen us: step back.
      if (writerState(dbPath) === 'exclusive') {
        removeReader(dbPath, lock.token);
        return SQLITE_BUSY;
      }
      lock.level = SHARED;
    }
    if (level >= RESERVED && lock.level < RESERVED) {
      try {
        mkdirSync(lockDirOf(dbPath));
      } catch (error) {
        return isCode(error, 'EEXIST') ? SQLITE_BUSY : SQLITE_IOERR_LOCK;
      }
      // Token and host: lock-holders.ts tells a dead owner's lock from a live one by them.
      writeFileSync(join(lockDirOf(dbPath), WRITER_MARK), `${lock.token} ${hostname()}`);
      lock.level = RESERVED;
    }
    if (level === EXCLUSIVE) {
      if (lock.level < PENDING) {
        writeFileSync(join(lockDirOf(dbPath), PENDING_MARK), lock.token);
        lock.level = PENDING;
      }
      // Stays PENDING (no new readers) while readers finish; SQLite's busy handler asks again.
      if (otherLiveReader(dbPath, lock.token)) return SQLITE_BUSY;
      lock.level = EXCLUSIVE;
    }
    return SQLITE_OK;
  } catch {
    return SQLITE_IOERR_LOCK;
  }
}

/** xUnlock: lower the file's lock to SHARED or NONE. */
export function unlockFile(dbPath: string, file: number, level: number): number {
  const lock = files.get(file);
  if (!lock || level >= lock.level) return SQLITE_OK;
  try {
    if (lock.level >= RESERVED) {
      releaseWriter(dbPath);
      lock.level = SHARED;
    }
    if (level === NONE) {
      removeReader(dbPath, lock.token);
      files.delete(file);
    }
    return SQLITE_OK;
  } catch {
    return SQLITE_IOERR_UNLOCK;
  }
}

/**
 * xCheckReservedLock: does another connection hold RESERVED or more (then a journal is its work in progress, not a
 * hot journal left by a crash)? A connection that holds the writer lock itself knows nobody else does.
 */
export function reservedByOther(dbPath: string, file: number): boolean {
  if ((files.get(file)?.level ?? NONE) >= RESERVED) return false;
  return writerState(dbPath) !== 'none';
}
