// Test helpers: a fresh temporary folder per test, and stores in it that are closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openStore, type Store } from '../../../src-main/node/store/store';
import type { OpenOptions } from '../../../src-main/node/store/database';

export function tempDir(prefix = 'ntk-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a store (by default in a new temporary folder) that is closed when the test ends. */
export function tempStore(path = join(tempDir(), 'workbench.sqlite'), options?: OpenOptions): Store {
  const store = openStore(path, options);
  onTestFinished(() => store.close());
  return store;
}
