// The streamed JSON of matrices is exactly JSON.stringify of the same object with nested arrays, and
// writeFileAtomic writes the chunks in order (across its 1 MiB batches) to a file that parses back.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src-main/node/atomic-write';
import { jsonChunks, JsonMatrix } from '../../src-main/node/json-matrix-stream';

const nested = (values: Float64Array, rows: number) => Array.from({ length: rows }, (_, i) => Array.from(values.subarray((i * values.length) / rows, ((i + 1) * values.length) / rows)));

describe('jsonChunks', () => {
  it('equals JSON.stringify, non-finite entries as null, skipped undefined fields, empty matrices and lazy fields', () => {
    const m = Float64Array.from([1, -2.5e-300, Number.NaN, Infinity, 0.1 + 0.2, -0]);
    const empty = new Float64Array(0);
    const text = [...jsonChunks({ a: 3, m: new JsonMatrix(m, 2), none: undefined, e: new JsonMatrix(empty, 0), s: 'x"y', late: () => ({ t: 1 }) })].join('');
    expect(text).toBe(JSON.stringify({ a: 3, m: nested(m, 2), e: [], s: 'x"y', late: { t: 1 } }));
    expect([...jsonChunks({})].join('')).toBe('{}');
  });

  it('writes a kernel larger than one batch through writeFileAtomic', async () => {
    const rows = 600;
    const values = Float64Array.from({ length: rows * rows }, (_, i) => Math.sin(i) / 3);
    const path = join(await mkdtemp(join(tmpdir(), 'json-stream-')), 'k.json');
    await writeFileAtomic(path, jsonChunks({ k: new JsonMatrix(values, rows) }));
    const text = await readFile(path, 'utf8');
    expect(text.length).toBeGreaterThan(2 ** 21);
    expect(text).toBe(JSON.stringify({ k: nested(values, rows) }));
  });
});
