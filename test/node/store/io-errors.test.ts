// Failures of the file system and of other processes surface as coded errors and never damage the database.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/node/store/database';
import { lockDirOf } from '../../../src-main/node/store/lock-holders';
import { openStore } from '../../../src-main/node/store/store';
import { tempDir, tempStore } from './temp-store';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const coded = (code: string) => expect.objectContaining({ code });

/** Resolves with the child's stdout lines once `until` matches one of them (or the child exits). */
function linesUntil(child: ChildProcess, until: (line: string) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some(until)) resolve(lines);
    });
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

describe('store I/O errors', () => {
  it('cannot open under a path that goes through a file: store/io, with the reason', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain-file'), 'x');
    expect(() => openStore(join(dir, 'plain-file', 'sub', 'w.sqlite'))).toThrow(coded('store/io'));
    expect(() => openStore(join(dir, 'plain-file', 'sub', 'w.sqlite'))).toThrow(/ENOTDIR|not a directory/);
  });

  it('cannot open a folder as the database: store/io', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.sqlite'));
    expect(() => openStore(join(dir, 'folder.sqlite'))).toThrow(coded('store/io'));
  });

  it('refuses a file that is not a database with store/corrupt, and leaves it alone', () => {
    const path = join(tempDir(), 'notes.sqlite');
    writeFileSync(path, 'not a database '.repeat(100));
    expect(() => openStore(path)).toThrow(coded('store/corrupt'));
    expect(existsSync(lockDirOf(path))).toBe(false);
    expect(existsSync(`${path}.holders`)).toBe(false);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('cannot create a workspace in a read-only folder: store/io', () => {
    const dir = join(tempDir(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    try {
      expect(() => openStore(join(dir, 'w.sqlite'))).toThrow(coded('store/io'));
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('says store/io when the disk fills mid-transaction, rolls it back and stays usable', { skip: process.platform === 'win32' }, async () => {
    const path = join(tempDir(), 'w.sqlite');
    // `ulimit -f` caps the file size (1 KiB blocks in bash, 512 B in dash): 4 to 8 MB, far below the 72 MB kernel.
    const child = spawn('sh', ['-c', `ulimit -f 8192 && exec "${process.execPath}" --import tsx "${fixture('full-disk-writer.ts')}" "${path}"`], { cwd: repoRoot });
    const lines = await linesUntil(child, (l) => l === 'appended');
    expect(lines).toEqual(['run 1', expect.stringMatching(/^error store\/io .*disk I\/O error/), 'appended']);
    const store = tempStore(path);
    expect(store.check()).toEqual(['ok']);
    expect(Array.from(store.metrics.read(1).loss.steps)).toEqual([0, 1]);
    expect(store.kernels.list(1)).toEqual([]);
  });

  it('waits for a live process holding the lock, then says store/busy; a dead holder’s lock is cleared', async () => {
    const path = join(tempDir(), 'w.sqlite');
    tempStore(path).close();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('lock-holder.ts'), path], { cwd: repoRoot });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await linesUntil(child, (l) => l === 'locked');
      const started = Date.now();
      expect(() => openStore(path, { busyTimeoutMs: 300 })).toThrow(coded('store/busy'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // The holder is alive: its lock must not be taken for a stale one.
      expect(existsSync(lockDirOf(path))).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const store = tempStore(path);
    expect(store.recovery.clearedStaleLock).toBe(true);
    expect(store.projects.find('held')).toBeUndefined();
    expect(store.check()).toEqual(['ok']);
  });

  it('reads while another connection is inside a write transaction, seeing the last commit; the writer then commits', () => {
    const path = join(tempDir(), 'w.sqlite');
    const reader = tempStore(path, { busyTimeoutMs: 200 });
    reader.projects.create('before');
    const { db: writer } = openDatabase(path, { busyTimeoutMs: 200 });
    try {
      writer.transaction(() => {
        writer.run("INSERT INTO projects (name, created, updated) VALUES ('uncommitted', 0, 0)");
        // The one-level lock of the driver made this wait for the whole transaction and fail store/busy.
        const started = Date.now();
        expect(reader.projects.list().map((p) => p.name)).toEqual(['before']);
        expect(Date.now() - started).toBeLessThan(150);
        // A second writer still waits for the first.
        expect(() => reader.projects.create('second writer')).toThrow(coded('store/busy'));
      });
    } finally {
      writer.close();
    }
    expect(reader.projects.list().map((p) => p.name).sort()).toEqual(['before', 'uncommitted']);
    expect(reader.check()).toEqual(['ok']);
    expect(existsSync(lockDirOf(path))).toBe(false);
  });

  it('a store that is closed answers with a coded error', () => {
    const store = tempStore();
    store.close();
    expect(() => store.projects.list()).toThrow(coded('store/io'));
  });
});
