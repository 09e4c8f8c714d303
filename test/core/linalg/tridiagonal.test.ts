// The eigenvalue routines written here against ml-matrix's symmetric QL (an independent implementation): Householder
// tridiagonalisation with Sturm bisection for full spectra, and block Lanczos for extremes and the top of the spectrum,
// on matrices with negative, repeated and clustered eigenvalues. Float64; tolerances relative to the largest |eigenvalue|.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { blockLanczos } from '../../../src-main/core/linalg/block-lanczos';
import { jsDenseProducts } from '../../../src-main/core/linalg/dense-products';
import { denseSymmetricEigenvalues } from '../../../src-main/core/linalg/tridiagonal';

function symmetric(m: number, seed: number): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = Math.sin(seed + 1.37 * i * (j + 1) + 0.11 * j) * (1 + (i === j ? seed : 0));
  return a;
}

function reference(a: Float64Array, m: number): Float64Array {
  const mat = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) mat.set(i, j, a[i * m + j]);
  return Float64Array.from(new EigenvalueDecomposition(mat, { assumeSymmetric: true }).realEigenvalues).sort();
}

const maxAbs = (v: Float64Array) => v.reduce((s, x) => Math.max(s, Math.abs(x)), 0);

describe('dense symmetric eigenvalues (Householder + bisection)', () => {
  for (const m of [1, 2, 3, 17, 60])
    it(`match ml-matrix on a ${m} x ${m} matrix`, () => {
      const a = symmetric(m, m);
      const want = reference(a, m);
      const got = denseSymmetricEigenvalues(a, m);
      const scale = maxAbs(want);
      for (let i = 0; i < m; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12 * scale);
    });

  it('repeated eigenvalues (identity plus a rank-one term) come out with their multiplicity', () => {
    const m = 12;
    const a = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j] = (i === j ? 2 : 0) + 0.5;
    const got = denseSymmetricEigenvalues(a, m);
    for (let i = 0; i < m - 1; i++) expect(got[i]).toBeCloseTo(2, 12);
    expect(got[m - 1]).toBeCloseTo(2 + 0.5 * m, 12);
  });
});

describe('block Lanczos', () => {
  it('extremes and the top 5 of a 150 x 150 matrix with an indefinite spectrum', async () => {
    const n = 150;
    const a = symmetric(n, 3);
    const want = reference(a, n);
    const op = { n, applyRows: (v: Float64Array, p: number) => jsDenseProducts().abT(v, p, a, n, n) };
    const got = await blockLanczos(op, jsDenseProducts(), { blockSize: 8, top: 5 });
    const scale = maxAbs(want);
    expect(Math.abs(got.lambdaMax - want[n - 1])).toBeLessThan(1e-9 * scale);
    expect(Math.abs(got.lambdaMin - want[0])).toBeLessThan(1e-9 * scale);
    for (let i = 0; i < 5; i++) expect(Math.abs(got.top[i] - want[n - 1 - i])).toBeLessThan(1e-9 * scale);
  });
});
