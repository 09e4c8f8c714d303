// Loads node-sqlite3-wasm (pinned to 0.8.60) with its VFS's three locking functions replaced by vfs-locks.ts.
// The package locks with one level (a `<db>.lock` directory for every transaction, reads included), so a reader waited
// for a writer's whole transaction; and its xCheckReservedLock said "locked" whenever `<db>.lock` existed, even when
// the asking connection made it, so SQLite never rolled back a journal left by a crash and the file stayed torn
// (test/node/store/crash.test.ts fails without the fix). The replacements keep the package's own calling convention.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { lockFile, reservedByOther, unlockFile } from './vfs-locks';

export type SqliteModule = typeof import('node-sqlite3-wasm');

/** The package's function headers and what replaces each (the originals stay in the source under another name). */
const REPLACED: readonly [string, string][] = [
  ['function _nodejsLock(fi,level){', 'function _nodejsLock(fi,level){return __locks.lockFile(_path(fi),fi,level)}function _packageLock(fi,level){'],
  ['function _nodejsUnlock(fi,level){', 'function _nodejsUnlock(fi,level){return __locks.unlockFile(_path(fi),fi,level)}function _packageUnlock(fi,level){'],
  [
    'function _nodejsCheckReservedLock(fi,outResult){',
    'function _nodejsCheckReservedLock(fi,outResult){setValue(outResult,__locks.reservedByOther(_path(fi),fi)?1:0,"i32");return SQLITE_OK}function _packageCheckReservedLock(fi,outResult){',
  ],
];

let loaded: SqliteModule | undefined;

/** The driver, loaded (and its WebAssembly compiled) on first use. */
export function sqliteDriver(): SqliteModule {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('node-sqlite3-wasm');
  let source = readFileSync(file, 'utf8');
  for (const [original, replacement] of REPLACED) {
    const at = source.indexOf(original);
    if (at < 0 || source.includes(original, at + 1)) {
      throw new Error(`${file} is not the node-sqlite3-wasm 0.8.60 whose locking the store replaces; see src-main/node/store/sqlite-driver.ts`);
    }
    source = source.replace(original, replacement);
  }
  // Evaluated as CommonJS from its own folder, so that it finds its .wasm file next to it (also inside an asar).
  const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname', '__locks'], { filename: file });
  const module = { exports: {} };
  wrapper(module.exports, createRequire(file), module, file, dirname(file), { lockFile, unlockFile, reservedByOther });
  loaded = module.exports as SqliteModule;
  return loaded;
}
