import { describe, expect, it } from 'vitest';
import { gramSpectrum, lanczosExtremes, symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
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

  it('Lanczos finds the extremes of a spread spectrum', () => {
    const n = 300;
    const lambda = Array.from({ length: n }, (_, i) => 0.05 + 10 * (i / n) ** 3);
    const a = withSpectrum(lambda, 2);
    const { lambdaMin, lambdaMax } = lanczosExtremes(a, n, 160);
    expect(lambdaMax).toBeCloseTo(lambda[n - 1], 8);
    // Ritz values bound lambda_min from above; with the cubic cluster at the bottom 160 steps get within ~0.1%.
    expect(lambdaMin).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect((lambdaMin - 0.05) / 0.05).toBeLessThan(5e-3);
  });

  it('switches to Lanczos above the full-spectrum limit and reports the condition number', () => {
    const lambda = Array.from({ length: 30 }, (_, i) => 1 + i);
    const a = withSpectrum(lambda, 3);
    const full = gramSpectrum(a, 30, 64);
    expect(full.method).toBe('full');
    expect(full.condition).toBeCloseTo(30, 8);
    const approx = gramSpectrum(a, 30, 10);
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

  it('Lanczos stops early once the extremes settle, with the same values', () => {
    const n = 400;
    // Well-separated extremes over a bulk: both converge in a few dozen steps.
    const lambda = Array.from({ length: n }, (_, i) => (i === 0 ? 0.01 : i === n - 1 ? 50 : 1 + i / n));
    const a = withSpectrum(lambda, 5);
    const early = lanczosExtremes(a, n);
    const fixed = lanczosExtremes(a, n, 160, -1);
    expect(early.steps).toBeLessThan(fixed.steps);
    expect(early.lambdaMin).toBeCloseTo(0.01, 10);
    expect(early.lambdaMax).toBeCloseTo(50, 10);
    expect(early.lambdaMin).toBeCloseTo(fixed.lambdaMin, 10);
  });
});
