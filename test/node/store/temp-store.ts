// Test helpers: a fresh temporary folder per test, and stores in it that are closed and removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { parseRunConfig } from '../../../src-main/node/config-file';
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

/** A complete training config, parsed (defaults filled) as every config is before the store sees it. */
export const trainConfig = parseRunConfig({
  seed: 3,
  steps: 100,
  model: { arch: 'fcn', depth: 2, width: 16 },
  loss: { kind: 'bce' },
  optimizer: { kind: 'gd', lr: 0.1 },
  data: { kind: 'circle', n: 6 },
});
