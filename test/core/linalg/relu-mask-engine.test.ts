// Core's ReLU masks (the fallback every engine without its own gets) against a direct reference: the masked seed row by
// row, and factor (D W) computed entry by entry in float64 from the float32 inputs (on the float64-sum test engine, whose
// product is rounded once), scaled and rounded to float32.
// The mask keeps a value only where the activation is > 0: 0, -0, negatives and NaN give +0, even over a NaN product.
import { describe, expect, it } from 'vitest';
import type { MatrixF32 } from '../../../src-main/core/linalg/gram-engine';
import { hasReluMasks, reluMasksOf } from '../../../src-main/core/linalg/relu-mask-engine';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import { createRng, normalArray } from '../../../src-main/core/random';
import { f64Engine } from '../../helpers/f64-engine';

const m = (rows: number, cols: number, data: ArrayLike<number>): MatrixF32 => ({ rows, cols, data: Float32Array.from(data) });

/** Activations with every kind of entry the mask must tell apart. */
function activations(n: number, q: number, seed: number): MatrixF32 {
  const values = normalArray(createRng(seed, 'acts'), n * q);
  const special = [0, -0, Number.NaN, -1e-30, 1e-30, Number.POSITIVE_INFINITY];
  for (let i = 0; i < special.length && i < values.length; i++) values[i * 3] = special[i];
  return m(n, q, values);
}

describe('reluMasksOf (core fallback)', () => {
  it('is used for an engine without masks of its own', () => {
    expect(hasReluMasks(createTfjsMatmulEngine())).toBe(false);
  });

  it('masks each sample copy of the seed rows by that sample (+0 where the activation is not > 0)', async () => {
    const k = 3;
    const seed = m(k, 7, normalArray(createRng(1, 'seed'), k * 7));
    const acts = activations(4, 7, 2);
    const out = await reluMasksOf(f64Engine).maskedSeed(seed, acts);
    expect([out.rows, out.cols]).toEqual([12, 7]);
    for (let i = 0; i < 4; i++)
      for (let c = 0; c < k; c++)
        for (let j = 0; j < 7; j++) {
          const want = acts.data[i * 7 + j] > 0 ? seed.data[c * 7 + j] : 0;
          expect(Object.is(out.data[(i * k + c) * 7 + j], want)).toBe(true);
        }
  });

  it('gives factor (D W) rounded to float32 with the float64 scale, masked per sample', async () => {
    const n = 5;
    const k = 2;
    const d = m(n * k, 6, normalArray(createRng(3, 'd'), n * k * 6));
    d.data[0] = Number.NaN; // a NaN product in row 0 is masked to +0 where sample 0's activation is not > 0
    const w = m(6, 4, normalArray(createRng(4, 'w'), 24));
    const acts = activations(n, 4, 5);
    for (const factor of [1, Math.sqrt(2 / 1024)]) {
      const out = await reluMasksOf(f64Engine).maskedBackward(d, w, factor, acts, k);
      expect([out.rows, out.cols]).toEqual([n * k, 4]);
      for (let r = 0; r < n * k; r++)
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let t = 0; t < 6; t++) s += d.data[r * 6 + t] * w.data[t * 4 + j];
          const want = acts.data[Math.floor(r / k) * 4 + j] > 0 ? Math.fround(Math.fround(s) * factor) : 0;
          expect(Object.is(out.data[r * 4 + j], want)).toBe(true);
        }
    }
  });

  it('refuses shapes that do not fit, naming them', async () => {
    const masks = reluMasksOf(f64Engine);
    await expect(masks.maskedBackward(m(4, 3, new Float32Array(12)), m(3, 2, new Float32Array(6)), 1, m(3, 2, new Float32Array(6)), 2)).rejects.toThrow(/rows 4x3, weight 3x2 and activations 3x2 do not fit with k = 2/);
    await expect(masks.maskedSeed(m(2, 3, new Float32Array(6)), m(4, 5, new Float32Array(20)))).rejects.toThrow(/seed 2x3 and activations 4x5 differ in columns/);
  });
});
