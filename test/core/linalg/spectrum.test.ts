import { describe, expect, it } from 'vitest';
import { jsDenseProducts, type DenseProducts } from '../../../src-main/core/linalg/dense-products';
import { denseOperator, heldOperator, lanczosExtremes } from '../../../src-main/core/linalg/lanczos';
import { finiteMaxAbs } from '../../../src-main/core/linalg/norms';
import { gramSpectrum, symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import { tridiagonalExtremes } from '../../../src-main/core/linalg/tridiagonal';
import { createRng } from '../../../src-main/core/random';

/** Q diag(lambda) Q^T with Q from Gram-Schmidt on a seeded Gaussian matrix: a symmetric matrix of known spectrum. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const rng = createRng(seed);
  const q: Float64Array[] = [];
  while (q.length < n) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const dot = v.reduce((s, x, i) => s + x * u[i], 0);
      for (let i = 0; i < n; i++) v[i] -= dot * u[i];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    q.push(v.map((x) => x / norm));
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = lambda.reduce((s, l, c) => s + l * q[c][i] * q[c][j], 0);
  return a;
}

describe('spectrum', () => {
  it('recovers a known spectrum in float64', () => {
    const lambda = Array.from({ length: 40 }, (_, i) => 1e-3 * (i + 1) ** 2);
    const eig = symmetricEigenvalues(withSpectrum(lambda, 1), 40);
    lambda.forEach((l, i) => expect(eig[i]).toBeCloseTo(l, 9));
  });

  it('Lanczos finds the extremes of a spread spectrum', async () => {
    const n = 300;
    const lambda = Array.from({ length: n }, (_, i) => 0.05 + 10 * (i / n) ** 3);
    const a = withSpectrum(lambda, 2);
    const { lambdaMin, lambdaMax } = await lanczosExtremes(denseOperator(a, n), { iterations: 160 });
    expect(lambdaMax).toBeCloseTo(lambda[n - 1], 8);
    // Ritz values bound lambda_min from above; with the cubic cluster at the bottom 160 steps get within ~0.1%.
    expect(lambdaMin).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect((lambdaMin - 0.05) / 0.05).toBeLessThan(5e-3);
  });

  it('switches to Lanczos above the full-spectrum limit and reports the condition number', async () => {
    const lambda = Array.from({ length: 30 }, (_, i) => 1 + i);
    const a = withSpectrum(lambda, 3);
    const full = await gramSpectrum(a, 30, { fullMax: 64 });
    expect(full.method).toBe('full');
    expect(full.condition).toBeCloseTo(30, 8);
    const approx = await gramSpectrum(a, 30, { fullMax: 10 });
    expect(approx.method).toBe('lanczos');
    expect(approx.lambdaMax).toBeCloseTo(30, 8);
    expect(approx.eigenvalues).toBeUndefined();
  });

  it('Sturm bisection gives the extreme eigenvalues of a tridiagonal matrix', () => {
    const rng = createRng(4);
    for (const k of [1, 2, 7, 60]) {
      const alpha = Array.from({ length: k }, () => rng.normal() * 3);
      const beta = Array.from({ length: k - 1 }, () => rng.normal());
      const t = new Float64Array(k * k);
      alpha.forEach((v, i) => (t[i * k + i] = v));
      beta.forEach((v, i) => {
        t[i * k + i + 1] = v;
        t[(i + 1) * k + i] = v;
      });
      const eig = symmetricEigenvalues(t, k);
      const { min, max } = tridiagonalExtremes(alpha, beta);
      expect(min).toBeCloseTo(eig[0], 12);
      expect(max).toBeCloseTo(eig[k - 1], 12);
    }
  });

  it('Lanczos stops early once the extremes settle, with the same values', async () => {
    const n = 400;
    // Well-separated extremes over a bulk: both converge in a few dozen steps.
    const lambda = Array.from({ length: n }, (_, i) => (i === 0 ? 0.01 : i === n - 1 ? 50 : 1 + i / n));
    const a = withSpectrum(lambda, 5);
    const early = await lanczosExtremes(denseOperator(a, n));
    const fixed = await lanczosExtremes(denseOperator(a, n), { iterations: 160, tolerance: -1 });
    expect(early.steps).toBeLessThan(fixed.steps);
    expect(early.lambdaMin).toBeCloseTo(0.01, 10);
    expect(early.lambdaMax).toBeCloseTo(50, 10);
    expect(early.lambdaMin).toBeCloseTo(fixed.lambdaMin, 10);
  });

  it('Lanczos on an engine-held float32 copy agrees with float64 products to float32 rounding, at any scale', async () => {
    const n = 240;
    const lambda = Array.from({ length: n }, (_, i) => 0.2 + 3 * (i / n) ** 2 + (i === n - 1 ? 40 : 0));
    const a = withSpectrum(lambda, 6);
    const exact = await lanczosExtremes(denseOperator(a, n), { iterations: n, tolerance: -1 });
    expect(exact.lambdaMin).toBeCloseTo(0.2, 8);
    expect(exact.lambdaMax).toBeCloseTo(lambda[n - 1], 8);
    const engine = createTfjsMatmulEngine();
    const hold = engine.hold?.bind(engine);
    if (!hold) throw new Error('the tfjs engine holds matrices');
    // 1e-40 and 1e40 leave float32's range: the held copy is scaled by its largest entry first.
    for (const scale of [1, 1e-40, 1e40]) {
      const held = heldOperator(a.map((v) => v * scale), n, hold);
      try {
        const r = await lanczosExtremes(held, { iterations: n, tolerance: -1 });
        expect(Math.abs(r.lambdaMax / scale - exact.lambdaMax) / exact.lambdaMax).toBeLessThan(1e-6);
        expect(Math.abs(r.lambdaMin / scale - exact.lambdaMin) / exact.lambdaMax).toBeLessThan(1e-6);
      } finally {
        held.release();
      }
    }
    let held = 0;
    const counting = { ...engine, name: engine.name, hold: (m: Parameters<typeof hold>[0]) => (held++, hold(m)) };
    const viaSpectrum = await gramSpectrum(a, n, { fullMax: 16, engine: counting });
    expect(held).toBe(1);
    expect(viaSpectrum.method).toBe('lanczos');
    expect(Math.abs(viaSpectrum.lambdaMin - exact.lambdaMin) / exact.lambdaMax).toBeLessThan(1e-6);
    // A float32 copy over the limit is not made: float64 products, the float64 values.
    const capped = await gramSpectrum(a, n, { fullMax: 16, engine: counting, maxHeldBytes: n * n * 4 - 1 });
    expect(held).toBe(1);
    expect(capped.lambdaMin).toBe((await gramSpectrum(a, n, { fullMax: 16 })).lambdaMin);
  });

  it('keeps the basis orthogonal when the three-term recurrence cancels (repeated and zero eigenvalues)', async () => {
    const n = 120;
    // A rank-20 Gram plus a 100-fold zero eigenvalue and a repeated top: Lanczos must not produce spurious copies.
    const lambda = Array.from({ length: n }, (_, i) => (i < 100 ? 0 : i < 118 ? 1 + i / 50 : 9));
    const a = withSpectrum(lambda, 7);
    const r = await lanczosExtremes(denseOperator(a, n), { iterations: n, tolerance: -1 });
    expect(Math.abs(r.lambdaMin)).toBeLessThan(1e-10);
    expect(r.lambdaMax).toBeCloseTo(9, 10);
  });

  it('reorthogonalises on given float64 products with the same Ritz values as the in-place loops', async () => {
    const n = 120;
    const lambda = Array.from({ length: n }, (_, i) => (i < 100 ? 0 : i < 118 ? 1 + i / 50 : 9));
    const a = withSpectrum(lambda, 7);
    let calls = 0;
    const js = jsDenseProducts();
    const counted: DenseProducts = { name: 'counted', abT: (...args) => (calls++, js.abT(...args)), ab: (...args) => (calls++, js.ab(...args)) };
    const inPlace = await lanczosExtremes(denseOperator(a, n), { iterations: n, tolerance: -1 });
    const onProducts = await lanczosExtremes(denseOperator(a, n), { iterations: n, tolerance: -1, products: counted });
    // Two products a pass, at least one pass a step but the last.
    expect(calls).toBeGreaterThanOrEqual(2 * (onProducts.steps - 1));
    expect(onProducts.steps).toBe(inPlace.steps);
    expect(Math.abs(onProducts.lambdaMin)).toBeLessThan(1e-10);
    expect(onProducts.lambdaMax).toBeCloseTo(9, 10);
    const spread = Array.from({ length: 300 }, (_, i) => 0.05 + 10 * (i / 300) ** 3);
    const b = withSpectrum(spread, 2);
    const x = await lanczosExtremes(denseOperator(b, 300), { products: counted });
    const y = await lanczosExtremes(denseOperator(b, 300));
    expect(Math.abs(x.lambdaMin - y.lambdaMin) / y.lambdaMax).toBeLessThan(1e-12);
    expect(Math.abs(x.lambdaMax - y.lambdaMax) / y.lambdaMax).toBeLessThan(1e-12);
  });

  it('gramSpectrum reorthogonalises on the engine\'s float64 products when it has them', async () => {
    const n = 200;
    const lambda = Array.from({ length: n }, (_, i) => 0.5 + (i / n) ** 2 + (i === n - 1 ? 20 : 0));
    const a = withSpectrum(lambda, 8);
    const engine = createTfjsMatmulEngine();
    let calls = 0;
    const js = jsDenseProducts();
    const float64: DenseProducts = { name: 'counted', abT: (...args) => (calls++, js.abT(...args)), ab: (...args) => (calls++, js.ab(...args)) };
    const withProducts = await gramSpectrum(a, n, { fullMax: 16, engine: { ...engine, name: engine.name, float64 } });
    expect(calls).toBeGreaterThan(0);
    const without = await gramSpectrum(a, n, { fullMax: 16, engine });
    expect(Math.abs(withProducts.lambdaMin - without.lambdaMin) / without.lambdaMax).toBeLessThan(1e-9);
    expect(withProducts.lambdaMax).toBeCloseTo(without.lambdaMax, 6);
  });

  it('finiteMaxAbs finds the largest magnitude or the first non-finite entry in one pass', () => {
    expect(finiteMaxAbs([1, -7, 3])).toEqual({ maxAbs: 7, nonFinite: -1 });
    expect(finiteMaxAbs([])).toEqual({ maxAbs: 0, nonFinite: -1 });
    expect(finiteMaxAbs([2, 9, NaN, Infinity]).nonFinite).toBe(2);
    expect(finiteMaxAbs([NaN, 1]).nonFinite).toBe(0);
    expect(finiteMaxAbs([3, -Infinity, NaN]).nonFinite).toBe(1);
    expect(finiteMaxAbs([1e308, -1e308, 5]).maxAbs).toBe(1e308);
  });

  it('each extreme\'s Ritz residual bounds its distance to an eigenvalue, converged or not', async () => {
    const n = 300;
    const lambda = Array.from({ length: n }, (_, i) => 0.05 + 10 * (i / n) ** 3 + (i === n - 1 ? 30 : 0));
    const a = withSpectrum(lambda, 9);
    const nearest = (theta: number) => Math.min(...lambda.map((l) => Math.abs(l - theta)));
    for (const iterations of [5, 20, 60, 160]) {
      const r = await lanczosExtremes(denseOperator(a, n), { iterations, tolerance: -1 });
      expect(nearest(r.lambdaMin)).toBeLessThanOrEqual(r.residualMin * (1 + 1e-9) + 1e-12);
      expect(nearest(r.lambdaMax)).toBeLessThanOrEqual(r.residualMax * (1 + 1e-9) + 1e-12);
      // Not converged at 5 steps: the residual says so.
      if (iterations === 5) expect(r.residualMin).toBeGreaterThan(1e-3);
    }
    const converged = await lanczosExtremes(denseOperator(a, n), { iterations: n, tolerance: -1 });
    expect(converged.residualMin).toBeLessThan(1e-8);
    expect(converged.residualMax).toBeLessThan(1e-8);
    // On a float32 copy the residual is not reported below float32's rounding of the largest eigenvalue.
    const engine = createTfjsMatmulEngine();
    const hold = engine.hold?.bind(engine);
    if (!hold) throw new Error('the tfjs engine holds matrices');
    const held = heldOperator(a, n, hold);
    try {
      const r = await lanczosExtremes(held, { iterations: n, tolerance: -1 });
      expect(r.residualMax).toBeGreaterThanOrEqual(2 ** -24 * r.lambdaMax);
      expect(nearest(r.lambdaMin)).toBeLessThanOrEqual(r.residualMin + 1e-6 * r.lambdaMax);
    } finally {
      held.release();
    }
    const viaSpectrum = await gramSpectrum(a, n, { fullMax: 16 });
    expect(viaSpectrum.lanczos?.steps).toBeGreaterThan(0);
    expect(nearest(viaSpectrum.lambdaMin)).toBeLessThanOrEqual((viaSpectrum.lanczos?.lambdaMinResidual ?? 0) * (1 + 1e-9) + 1e-12);
    expect((await gramSpectrum(a, n, { fullMax: n })).lanczos).toBeUndefined();
  });
});
