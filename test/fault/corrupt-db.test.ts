// Fault class: a damaged workspace database (cut short, random bytes over the whole file, over its header, or over
// pages in the middle) opened by the app. Each must give a clear 'store/corrupt' error (at open, or at the first read
// that meets the damage) and leave the file byte for byte as it was, with nothing created beside it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError } from '../../src-main/contract/result';
import { createWorkbenchService } from '../../src-main/node/service/workbench-service';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { seededRandom } from './fault-helpers';
import { createStandInRun } from '../helpers/stand-in-run';

const random = seededRandom(4);
const randomBytes = (length: number) => Uint8Array.from({ length }, () => Math.floor(random() * 256));

let healthy: Buffer;
let runId: number;
const dirs: string[] = [];

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-fault-corrupt-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'w.sqlite'));
  const project = store.projects.create('healthy');
  runId = createStandInRun(store, project.id).id;
  for (let batch = 0; batch < 20; batch++) {
    store.metrics.append(runId, Array.from({ length: 500 }, (_, i) => ({ step: batch * 500 + i, wallTime: i, name: 'loss', value: Math.sin(i) })));
  }
  store.kernels.put(runId, { step: 0, kind: 'full', rows: 100, data: new Float64Array(100 * 100).fill(0.5) });
  store.close();
  healthy = readFileSync(join(dir, 'w.sqlite'));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const DAMAGE: Record<string, (bytes: Buffer) => Buffer> = {
  'cut to half its size': (b) => b.subarray(0, Math.floor(b.length / 2)),
  'cut at a page boundary': (b) => b.subarray(0, 4096 * 3),
  'its last two pages cut off': (b) => b.subarray(0, b.length - 4096 * 2),
  'cut to 60 bytes': (b) => b.subarray(0, 60),
  'random bytes, the whole file': (b) => Buffer.from(randomBytes(b.length)),
  'random bytes over its header page': (b) => Buffer.concat([Buffer.from(randomBytes(4096)), b.subarray(4096)]),
};

/** A workspace folder holding the damaged file. */
function damaged(damage: (bytes: Buffer) => Buffer): { dir: string; file: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-fault-corrupt-'));
  dirs.push(dir);
  const file = storePathIn(dir);
  const bytes = damage(Buffer.from(healthy));
  writeFileSync(file, bytes);
  return { dir, file, bytes };
}

function expectUntouched(file: string, bytes: Buffer): void {
  expect(readFileSync(file).equals(bytes), 'the damaged file was modified').toBe(true);
  for (const beside of ['.lock', '.holders', '.readers', '-journal']) expect(existsSync(`${file}${beside}`), `${file}${beside}`).toBe(false);
}

describe('a damaged workspace database', () => {
  for (const [name, damage] of Object.entries(DAMAGE)) {
    it(`${name}: store/corrupt at open, from the store and from the app's service, and the file untouched`, async () => {
      const { dir, file, bytes } = damaged(damage);
      let error: unknown;
      try {
        openStore(file).close();
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(CodedError);
      expect(error).toMatchObject({ code: 'store/corrupt', message: expect.stringContaining(file) });
      // Says what is wrong and that the file was kept, rather than SQLite's "database disk image is malformed".
      expect((error as Error).message).toMatch(/(cut short|no SQLite header|only \d+ bytes long|invalid page size).*left untouched/);
      await expect(createWorkbenchService({ workspaceDir: dir, transport: 'ipc' })).rejects.toMatchObject({ code: 'store/corrupt' });
      expectUntouched(file, bytes);
    });
  }

  it('random bytes over pages in the middle: the reads that meet them say store/corrupt; opening and reading write nothing', () => {
    const { file, bytes } = damaged((b) => {
      const copy = Buffer.from(b);
      copy.set(randomBytes(4096 * 4), 4096 * 4);
      return copy;
    });
    const codes = new Set<string>();
    try {
      const store = openStore(file);
      try {
        for (const read of [() => store.projects.list(), () => store.metrics.read(runId), () => store.kernels.get(runId, 0), () => store.check()]) {
          try {
            const result = read();
            if (Array.isArray(result) && result[0] !== 'ok' && typeof result[0] === 'string') codes.add('check-found-damage');
          } catch (error) {
            expect(error).toBeInstanceOf(CodedError);
            codes.add((error as CodedError).code);
          }
        }
      } finally {
        store.close();
      }
    } catch (error) {
      expect(error).toMatchObject({ code: 'store/corrupt' });
      codes.add('store/corrupt');
    }
    // Whatever met the damage said so with a code (the integrity check lists it); nothing crashed uncoded.
    expect([...codes].every((code) => code === 'store/corrupt' || code === 'check-found-damage')).toBe(true);
    expect(codes.size).toBeGreaterThan(0);
    expectUntouched(file, bytes);
  });
});
