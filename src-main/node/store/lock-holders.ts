// Who has a workspace database open, so that a lock left behind by a killed process can be told from a live one.
// A writer locks a database by creating the directory `<db>.lock` (vfs-locks.ts) and removes it when its transaction
// ends; a process killed inside a transaction leaves it behind, and every later write would fail "database is locked".
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeDirEntry } from './dir-entry';
import { lockDirOf, processAlive, readersDirOf, WRITER_MARK } from './vfs-locks';

export { lockDirOf, processAlive };

export interface Holder {
  /** `<pid>-<thread>-<random>`: one per open connection; runs record it as their runner. */
  readonly id: string;
  release(): void;
}

const holdersDir = (dbPath: string): string => `${dbPath}.holders`;

/** Registers this connection before it touches the database, so that other processes never take its lock as stale. */
export function registerHolder(dbPath: string): Holder {
  const dir = holdersDir(dbPath);
  const id = `${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  writeDirEntry(dir, id, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  return {
    id,
    release() {
      removeQuietly(() => unlinkSync(join(dir, id)));
      // Only succeeds once the last holder is gone; leaves no clutter next to a closed database.
      removeQuietly(() => rmdirSync(dir));
    },
  };
}

function removeQuietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // Already gone, or still in use by another holder: either way nothing to do.
  }
}

/** Ids of registered holders whose process is alive; entries of dead processes are deleted on the way. */
export function liveHolders(dbPath: string): string[] {
  const dir = holdersDir(dbPath);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const live: string[] = [];
  for (const id of entries) {
    let info: { pid?: number; host?: string } = {};
    try {
      info = JSON.parse(readFileSync(join(dir, id), 'utf8')) as typeof info;
    } catch {
      // Half-written by a process that died while registering: judged by the pid in its name below.
    }
    const pid = info.pid ?? Number.parseInt(id, 10);
    // A pid on another machine (a shared folder) cannot be checked: count it as alive.
    const elsewhere = info.host !== undefined && info.host !== hostname();
    if (elsewhere || (Number.isInteger(pid) && processAlive(pid))) live.push(id);
    else removeQuietly(() => unlinkSync(join(dir, id)));
  }
  return live;
}

/** The writer lock's owner (vfs-locks.ts marks it) is a process of this host that is gone. */
function ownerDead(lockDir: string): boolean {
  try {
    const [token, host] = readFileSync(join(lockDir, WRITER_MARK), 'utf8').split(' ');
    const pid = Number.parseInt(token, 10);
    // A pid on another machine (a shared folder) cannot be checked.
    return host === hostname() && Number.isInteger(pid) && !processAlive(pid);
  } catch {
    return false;
  }
}

/**
 * Removes a stale `<db>.lock`: when its writer mark names a dead process, or when no live holder other than `selfId`
 * is registered (a lock without a mark); and only a lock that predates the check (a process that registers after the
 * listing may create a fresh, legitimate one meanwhile). The next access then finds the hot journal and rolls the
 * interrupted transaction back.
 */
export function clearStaleLock(dbPath: string, selfId?: string): boolean {
  const checkedAt = Date.now();
  const lockDir = lockDirOf(dbPath);
  // With the owner known dead, other live holders do not matter: two live clients must not keep each other from it.
  if (!ownerDead(lockDir) && liveHolders(dbPath).some((id) => id !== selfId)) return false;
  try {
    if (Math.floor(statSync(lockDir).mtimeMs) > checkedAt) return false;
    // The writer's markers (vfs-locks.ts) first: the folder goes only once it is empty.
    for (const mark of readdirSync(lockDir)) unlinkSync(join(lockDir, mark));
    rmdirSync(lockDir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Forgets a worker thread of this process that ended without closing its connections (terminated, or crashed inside
 * a transaction): its holder entries, its reader files, and the writer lock if the thread held it. Its process lives
 * on, so nothing else would ever judge them stale. The next access rolls back the transaction the thread left.
 */
export function releaseThread(dbPath: string, deadThreadId: number): void {
  const prefix = `${process.pid}-${deadThreadId}-`;
  for (const dir of [holdersDir(dbPath), readersDirOf(dbPath)]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      // No such folder: nothing registered.
    }
    for (const name of entries) if (name.startsWith(prefix)) removeQuietly(() => unlinkSync(join(dir, name)));
  }
  const lockDir = lockDirOf(dbPath);
  let writer: string;
  try {
    writer = readFileSync(join(lockDir, WRITER_MARK), 'utf8');
  } catch {
    return;
  }
  if (!writer.startsWith(prefix)) return;
  for (const mark of readdirSync(lockDir)) removeQuietly(() => unlinkSync(join(lockDir, mark)));
  removeQuietly(() => rmdirSync(lockDir));
}
