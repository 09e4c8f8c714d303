// Who has a workspace database open, so that a lock left behind by a killed process can be told from a live one.
// node-sqlite3-wasm locks a database by creating the directory `<db>.lock` and removes it when the transaction ends;
// a process killed inside a transaction leaves it behind, and every later access would fail "database is locked".
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface Holder {
  /** `<pid>-<random>`: one per open connection; runs record it as their runner. */
  readonly id: string;
  release(): void;
}

const holdersDir = (dbPath: string): string => `${dbPath}.holders`;
export const lockDirOf = (dbPath: string): string => `${dbPath}.lock`;

/** Registers this connection before it touches the database, so that other processes never take its lock as stale. */
export function registerHolder(dbPath: string): Holder {
  const dir = holdersDir(dbPath);
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, id), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
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

/** Whether a process of this host is alive (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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

/**
 * Removes a stale `<db>.lock`: only when no live holder other than `selfId` is registered, and only a lock that
 * predates the check (a process that registers after the listing may create a fresh, legitimate one meanwhile).
 * The next access then finds the hot journal and rolls the interrupted transaction back.
 */
export function clearStaleLock(dbPath: string, selfId?: string): boolean {
  const checkedAt = Date.now();
  if (liveHolders(dbPath).some((id) => id !== selfId)) return false;
  const lockDir = lockDirOf(dbPath);
  try {
    if (Math.floor(statSync(lockDir).mtimeMs) > checkedAt) return false;
    rmdirSync(lockDir);
    return true;
  } catch {
    return false;
  }
}
