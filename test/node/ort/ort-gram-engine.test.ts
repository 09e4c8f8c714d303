// The ORT Gram engine against a float64 plain-JS A B^T on random float32 blocks, for both product variants.
// Tolerance (float32 sums of m products): |G - G64| <= 2 gamma_m sum_k |a_ik b_jk|, gamma_m = m u / (1 - m u), u = 2^-24.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixF32 } from '../../../src-main/core/linalg/gram-engine';
import { createRng, normalArray } from '../../../src-main/core/random';
import { createOrtGramEngine, type OrtGramEngine } from '../../../src-main/node/ort/ort-gram-engine';

function randomMatrix(seed: number, rows: number, cols: number): MatrixF32 {
  return { rows, cols, data: normalArray(createRng(seed, `${rows}x${cols}`), rows * cols) };
}

function expectGram(got: Float32Array | Float64Array, a: MatrixF32, b: MatrixF32): void {
  expect(got.length).toBe(a.rows * b.rows);
  const u = 2 ** -24;
  const gamma = (a.cols * u) / (1 - a.cols * u);
  let worst = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let exact = 0;
      let magnitude = 0;
      for (let t = 0; t < a.cols; t++) {
        const product = a.data[i * a.cols + t] * b.data[j * b.cols + t];
        exact += product;
        magnitude += Math.abs(product);
      }
      worst = Math.max(worst, Math.abs(got[i * b.rows + j] - exact) / (2 * gamma * magnitude + Number.MIN_VALUE));
    }
  }
  expect(worst).toBeLessThanOrEqual(1);
}

const variants = [{ product: 'gemm' }, { product: 'matmul' }] as const;

describe.each(variants)('createOrtGramEngine($product)', (options) => {
  let engine: OrtGramEngine;
  beforeAll(async () => {
    engine = await createOrtGramEngine({ ...options, threads: 1 });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it.each([
    [1, 7, 1],
    [1, 300, 4],
    [5, 13, 9],
    [9, 13, 5],
    [33, 70, 17],
    [64, 257, 64],
  ])('A [%i x %i] B^T with B of %i rows matches float64', async (p, m, q) => {
    const a = randomMatrix(1, p, m);
    const b = randomMatrix(2, q, m);
    expectGram(await engine.crossGram(a, b), a, b);
  });

  it.each([1, 2, 7, 40])('A A^T for %i rows is symmetric and matches float64', async (p) => {
    const a = randomMatrix(3, p, 31);
    const gram = await engine.crossGram(a, a);
    expectGram(gram, a, a);
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) expect(gram[i * p + j]).toBe(gram[j * p + i]);
  });

  it.each([
    [1, 7, 3],
    [6, 40, 11],
  ])('matmul: A [%i x %i] times B with %i columns, plain and transposed, matches float64', async (p, m, q) => {
    const a = randomMatrix(10, p, m);
    const bT = randomMatrix(11, q, m);
    const b: MatrixF32 = { rows: m, cols: q, data: new Float32Array(m * q) };
    for (let i = 0; i < q; i++) for (let j = 0; j < m; j++) b.data[j * q + i] = bT.data[i * m + j];
    const plain = await engine.matmul(a, b, false);
    expect([plain.rows, plain.cols]).toEqual([p, q]);
    expectGram(Float64Array.from(plain.data), a, bT);
    const transposed = await engine.matmul(a, bT, true);
    expectGram(Float64Array.from(transposed.data), a, bT);
    await expect(engine.matmul(a, bT, false)).rejects.toThrow(/matmul:/);
  });

  it('a held matrix: V M^T for many V matches float64, and refuses malformed blocks', async () => {
    const m = randomMatrix(12, 70, 33);
    const held = engine.hold(m);
    for (const [seed, rows] of [[13, 1], [14, 4], [15, 16]] as const) {
      const v = randomMatrix(seed, rows, 33);
      const got = await held.times(v);
      expectGram(got, v, m);
    }
    expect(await held.times({ rows: 0, cols: 33, data: new Float32Array(0) })).toEqual(new Float32Array(0));
    await expect(held.times(randomMatrix(16, 2, 32))).rejects.toThrow(/equal column counts/);
    await expect(held.times({ rows: 2, cols: 33, data: new Float32Array(3) })).rejects.toThrow(/3 values/);
    held.release();
    expect(() => engine.hold({ rows: 3, cols: 3, data: new Float32Array(8) })).toThrow(/8 values/);
  });

  it('handles empty blocks and rejects mismatched or malformed inputs', async () => {
    expect(await engine.crossGram({ rows: 0, cols: 4, data: new Float32Array(0) }, randomMatrix(4, 3, 4))).toEqual(new Float32Array(0));
    expect(await engine.crossGram({ rows: 2, cols: 0, data: new Float32Array(0) }, { rows: 3, cols: 0, data: new Float32Array(0) })).toEqual(
      new Float32Array(6),
    );
    await expect(engine.crossGram(randomMatrix(5, 2, 3), randomMatrix(6, 2, 4))).rejects.toThrow(/equal column counts/);
    await expect(engine.crossGram({ rows: 2, cols: 3, data: new Float32Array(5) }, randomMatrix(7, 2, 3))).rejects.toThrow(/5 values/);
  });
});

it('defaults to every core, pool threads that do not spin, and one session across shapes', async () => {
  const engine = await createOrtGramEngine();
  expect(engine.threads).toBeGreaterThanOrEqual(1);
  expect(engine.spinning).toBe(false);
  const spinning = await createOrtGramEngine({ threads: 1, spinning: true });
  expect(spinning.spinning).toBe(true);
  await spinning.dispose();
  const a = randomMatrix(8, 3, 5);
  expectGram(await engine.crossGram(a, randomMatrix(9, 4, 5)), a, randomMatrix(9, 4, 5));
  const f32 = await engine.crossGramF32(a, a);
  expect(f32).toBeInstanceOf(Float32Array);
  expect(f32.length).toBe(9);
  await engine.dispose();
});

it('dispose() releases once however often it is called, and a product after it is a clear error', async () => {
  const engine = await createOrtGramEngine({ threads: 1 });
  const a = randomMatrix(3, 2, 4);
  const held = engine.hold(a);
  await engine.float64?.abT(new Float64Array([1, 2]), 1, new Float64Array([3, 4]), 1, 2);
  await Promise.all([engine.dispose(), engine.dispose()]);
  await engine.dispose();
  await expect(engine.crossGram(a, a)).rejects.toThrow(/engine was disposed/);
  await expect(engine.matmul(a, a, true)).rejects.toThrow(/engine was disposed/);
  await expect(held.times(a)).rejects.toThrow(/engine was disposed/);
  await expect(engine.float64?.abT(new Float64Array([1, 2]), 1, new Float64Array([3, 4]), 1, 2) ?? Promise.resolve()).rejects.toThrow(/engine was disposed/);
});
