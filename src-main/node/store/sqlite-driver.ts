// Loads node-sqlite3-wasm (pinned to 0.8.60) with a fix to its VFS: xCheckReservedLock said "locked" whenever
// `<db>.lock` existed, even when the asking connection made it, so SQLite never rolled back a journal left by a crash
// and the file stayed torn. The lock directory is exclusive: a connection holding it knows no other holds a reserved
// lock, and the fix answers "not reserved" then. test/node/store/crash.test.ts fails without it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';

export type SqliteModule = typeof import('node-sqlite3-wasm');

const BROKEN = 'function _nodejsCheckReservedLock(fi,outResult){';
const FIXED = `${BROKEN}if(_isLocked(fi)){setValue(outResult,0,"i32");return SQLITE_OK}`;

let loaded: SqliteModule | undefined;

/** The driver, loaded (and its WebAssembly compiled) on first use. */
export function sqliteDriver(): SqliteModule {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('node-sqlite3-wasm');
  const source = readFileSync(file, 'utf8');
  const at = source.indexOf(BROKEN);
  if (at < 0 || source.includes(BROKEN, at + 1)) {
    throw new Error(`${file} is not the node-sqlite3-wasm 0.8.60 whose locking the store corrects; see src-main/node/store/sqlite-driver.ts`);
  }
  // Evaluated as CommonJS from its own folder, so that it finds its .wasm file next to it (also inside an asar).
  const wrapper = compileFunction(source.replace(BROKEN, FIXED), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const module = { exports: {} };
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  loaded = module.exports as SqliteModule;
  return loaded;
}
