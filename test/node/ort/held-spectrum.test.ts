// gramSpectrum beyond the full-spectrum limit with onnxruntime holding the matrix (what imported-ntk and training
// runs get): Lanczos on the float32 copy against every eigenvalue from the float64 dense solver.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gramSpectrum, symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
import { createRng, normalArray } from '../../../src-main/core/random';
import { lazyOrtDenseProducts } from '../../../src-main/node/ort/ort-f64-gram';
import { createOrtGramEngine, type OrtGramEngine } from '../../../src-main/node/ort/ort-gram-engine';

let engine: OrtGramEngine;
beforeAll(async () => {
  engine = await createOrtGramEngine({ threads: 1 });
});
afterAll(async () => {
  await engine.dispose();
});

/** G G^T / cols for a Gaussian G [rows, cols]: a Wishart Gram whose spectrum fills [(1 - sqrt(r/c))^2, (1 + sqrt(r/c))^2]. */
function wishart(rows: number, cols: number, seed: number): Float64Array {
  const g = normalArray(createRng(seed, 'wishart'), rows * cols);
  const a = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += g[i * cols + c] * g[j * cols + c];
      a[i * rows + j] = a[j * rows + i] = s / cols;
    }
  return a;
}

it('Lanczos on the held float32 kernel finds the float64 extremes of a 600-row Gram', async () => {
  const n = 600;
  const a = wishart(n, 900, 1);
  // A spike on top, as an NTK's leading mode stands above its bulk.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += 40 / n;
  const exact = symmetricEigenvalues(a, n);
  const spectrum = await gramSpectrum(a, n, { engine });
  expect(spectrum.method).toBe('lanczos');
  const lambdaMax = exact[n - 1];
  expect(Math.abs(spectrum.lambdaMax - lambdaMax) / lambdaMax).toBeLessThan(1e-7);
  // An upper estimate of lambda_min (Ritz values bound it from above, up to float32 rounding of the matrix).
  expect(spectrum.lambdaMin).toBeGreaterThan(exact[0] - 1e-6 * lambdaMax);
  expect((spectrum.lambdaMin - exact[0]) / lambdaMax).toBeLessThan(1e-7);
  expect(spectrum.condition).toBeCloseTo(spectrum.lambdaMax / spectrum.lambdaMin, 10);
  const f64 = await gramSpectrum(a, n);
  expect(Math.abs(f64.lambdaMin - spectrum.lambdaMin) / lambdaMax).toBeLessThan(1e-7);
});

it('the engine\'s float64 products are built on first use and equal float64 TypeScript products', async () => {
  const idle = await createOrtGramEngine({ threads: 1 });
  await idle.dispose();
  // Built by a product, released by dispose(), and built again by the next product.
  const lazy = lazyOrtDenseProducts(1);
  await lazy.dispose();
  const dot = async () => Array.from(await lazy.abT(new Float64Array([1, 2]), 1, new Float64Array([3, 4]), 1, 2));
  expect(await dot()).toEqual([11]);
  await lazy.dispose();
  expect(await dot()).toEqual([11]);
  await lazy.dispose();
  const rng = createRng(2, 'f64');
  const q = Float64Array.from(normalArray(rng, 7 * 50));
  const w = Float64Array.from(normalArray(rng, 2 * 50));
  const c = await engine.float64.abT(q, 7, w, 2, 50);
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let t = 0; t < 50; t++) s += q[i * 50 + t] * w[j * 50 + t];
      expect(c[i * 2 + j]).toBeCloseTo(s, 12);
    }
  const back = await engine.float64.ab(c, 7, 2, w, 50);
  expect(back.length).toBe(7 * 50);
  expect(back[3 * 50 + 4]).toBeCloseTo(c[3 * 2] * w[4] + c[3 * 2 + 1] * w[50 + 4], 12);
});

