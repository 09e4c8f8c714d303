import { describe, expect, it } from 'vitest';
import { gramSpectrum, lanczosExtremes, symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
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
});
