import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearStaleLock, liveHolders, lockDirOf, registerHolder } from '../../../src-main/node/store/lock-holders';
import { tempDir } from './temp-store';

/** The pid of a process that has already exited (and been reaped). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('lock holders', () => {
  it('tells live holders from dead ones and forgets the dead', () => {
    const db = join(tempDir(), 'w.sqlite');
    const me = registerHolder(db);
    const dead = deadPid();
    writeFileSync(join(`${db}.holders`, `${dead}-deadbeef`), JSON.stringify({ pid: dead, host: hostname() }));
    writeFileSync(join(`${db}.holders`, `${dead}-elsewhere`), JSON.stringify({ pid: dead, host: `not-${hostname()}` }));
    expect(liveHolders(db).sort()).toEqual([me.id, `${dead}-elsewhere`].sort());
    expect(readdirSync(`${db}.holders`)).not.toContain(`${dead}-deadbeef`);
    me.release();
  });

  it('clears a lock only when no other live holder could own it', () => {
    const db = join(tempDir(), 'w.sqlite');
    mkdirSync(lockDirOf(db));
    const other = registerHolder(db);
    expect(clearStaleLock(db)).toBe(false);
    const self = registerHolder(db);
    expect(clearStaleLock(db, self.id)).toBe(false);
    other.release();
    expect(clearStaleLock(db, self.id)).toBe(true);
    expect(existsSync(lockDirOf(db))).toBe(false);
    expect(clearStaleLock(db, self.id)).toBe(false);
    self.release();
    expect(existsSync(`${db}.holders`)).toBe(false);
  });
});
