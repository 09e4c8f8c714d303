import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clearStaleLock, liveHolders, lockDirOf, registerHolder, releaseThread } from '../../../src-main/node/store/lock-holders';
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

  it('forgets a dead worker thread of this process: its holder, its reader files and the writer lock it held', () => {
    const db = join(tempDir(), 'w.sqlite');
    const [dead, alive] = [`${process.pid}-9991-aaaa`, `${process.pid}-9992-bbbb`];
    mkdirSync(`${db}.holders`);
    mkdirSync(`${db}.readers`);
    for (const id of [dead, alive]) {
      writeFileSync(join(`${db}.holders`, id), JSON.stringify({ pid: process.pid, host: hostname() }));
      writeFileSync(join(`${db}.readers`, id), hostname());
    }
    mkdirSync(lockDirOf(db));
    writeFileSync(join(lockDirOf(db), 'writer'), alive);
    releaseThread(db, 9991);
    expect(readdirSync(`${db}.holders`)).toEqual([alive]);
    expect(readdirSync(`${db}.readers`)).toEqual([alive]);
    // The writer lock belongs to the living thread: kept.
    expect(existsSync(lockDirOf(db))).toBe(true);
    releaseThread(db, 9992);
    expect(existsSync(lockDirOf(db))).toBe(false);
    expect(readdirSync(`${db}.holders`)).toEqual([]);
  });

  it('processes registering and releasing at once never lose the folder under a registration', async () => {
    // One process's release removes the emptied folder; another's registration may sit between its mkdir and its
    // write. Three processes loop register/release on one database and must all finish without an error.
    const db = join(tempDir(), 'w.sqlite');
    const module = fileURLToPath(new URL('../../../src-main/node/store/lock-holders.ts', import.meta.url));
    const loop = `import { registerHolder } from ${JSON.stringify(module)}; for (let i = 0; i < 1500; i++) registerHolder(${JSON.stringify(db)}).release();`;
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loop], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => done({ code, stderr }));
      });
    const results = await Promise.all([run(), run(), run()]);
    for (const r of results) expect(r, r.stderr).toEqual({ code: 0, stderr: '' });
    expect(existsSync(`${db}.holders`)).toBe(false);
  }, 60_000);
});
