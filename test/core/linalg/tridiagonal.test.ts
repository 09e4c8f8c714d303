// The eigenvalue routines written here against ml-matrix's symmetric QL (an independent implementation): Householder
// tridiagonalisation with implicit QL for full spectra (and QL against Sturm bisection on tridiagonals), and block Lanczos for extremes and the top of the spectrum,
// on matrices with negative, repeated and clustered eigenvalues. Float64; tolerances relative to the largest |eigenvalue|.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { blockLanczos } from '../../../src-main/core/linalg/block-lanczos';
import { jsDenseProducts } from '../../../src-main/core/linalg/dense-products';
import { denseSymmetricEigenvalues, symmetricEigenvector, tridiagonalEigenvalues, tridiagonalEigenvector, tridiagonalKth } from '../../../src-main/core/linalg/tridiagonal';

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

describe('tridiagonal eigenvalues: implicit QL against Sturm bisection', () => {
  const cases: [string, number[], number[]][] = [
    ['1 x 1', [3], []],
    ['2 x 2', [1, 4], [2]],
    ['a zero off-diagonal (two blocks)', [1, 2, 3, 4, 5], [1, 0, 1, 1e-3]],
    ['repeated eigenvalues (all-equal diagonal, zero coupling)', [2, 2, 2, 2], [0, 0, 0]],
    ['graded: entries over 12 decades', Array.from({ length: 30 }, (_, i) => 10 ** (i / 2.5 - 6)), Array.from({ length: 29 }, (_, i) => 10 ** (i / 2.5 - 6.3))],
    ['the -1 2 -1 Laplacian (known eigenvalues)', Array.from({ length: 64 }, () => 2), Array.from({ length: 63 }, () => -1)],
    ['random, 300', Array.from({ length: 300 }, (_, i) => Math.sin(1.3 * i) * 5), Array.from({ length: 299 }, (_, i) => Math.cos(0.7 * i + 1))],
  ];
  for (const [name, alpha, beta] of cases)
    it(name, () => {
      const got = tridiagonalEigenvalues(alpha, beta);
      expect(got.length).toBe(alpha.length);
      const scale = Math.max(...alpha.map(Math.abs), ...beta.map(Math.abs));
      for (let k = 0; k < alpha.length; k++) {
        if (k > 0) expect(got[k]).toBeGreaterThanOrEqual(got[k - 1]);
        expect(Math.abs(got[k] - tridiagonalKth(alpha, beta, k)) / scale).toBeLessThan(1e-13);
      }
    });

  it('the Laplacian matches 2 - 2 cos(pi j / (m + 1)) to float64 rounding', () => {
    const m = 64;
    const got = tridiagonalEigenvalues(new Array(m).fill(2), new Array(m - 1).fill(-1));
    for (let j = 1; j <= m; j++) expect(got[j - 1]).toBeCloseTo(2 - 2 * Math.cos((Math.PI * j) / (m + 1)), 13);
  });
});

describe('dense symmetric eigenvalues (Householder + implicit QL)', () => {
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

describe('tridiagonal eigenvectors', () => {
  it('bisection and inverse iteration give ml-matrix\'s eigenvalue and unit eigenvector (up to sign): extremes and an inner one', () => {
    for (const [m, plain] of [[1, false], [2, false], [9, false], [60, false], [9, true], [60, true]] as const) {
      // Spread diagonals, and a zero diagonal under unit off-diagonals (eigenvalues 2 cos(j pi / (m + 1)), 0 among
      // them for odd m): rows swap in the shifted solve where |alpha_i - theta| < |beta_i|, and keep their order elsewhere.
      const alpha = Array.from({ length: m }, (_, i) => (plain ? 0 : Math.sin(1.1 * i) * 3 + (i % 3 === 0 ? 0.01 : 0)));
      const beta = Array.from({ length: m - 1 }, (_, i) => (plain ? 1 : 0.2 + Math.cos(0.7 * i)));
      const t = new Matrix(m, m);
      alpha.forEach((v, i) => t.set(i, i, v));
      beta.forEach((v, i) => {
        t.set(i, i + 1, v);
        t.set(i + 1, i, v);
      });
      const eig = new EigenvalueDecomposition(t, { assumeSymmetric: true });
      const values = eig.realEigenvalues;
      const order = values.map((_, i) => i).sort((x, y) => values[x] - values[y]);
      for (const k of new Set([0, Math.floor(m / 2), m - 1])) {
        const theta = tridiagonalKth(alpha, beta, k);
        // The zero diagonal once gave a zero Sturm pivot that underflowed to -0 and miscounted: -1.9 came out as 0.
        expect(theta).toBeCloseTo(values[order[k]], 12);
        const x = tridiagonalEigenvector(alpha, beta, theta);
        const want = eig.eigenvectorMatrix.getColumn(order[k]);
        const sign = Math.sign(want.reduce((acc, w, i) => acc + w * x[i], 0));
        expect(x.reduce((acc, v) => acc + v * v, 0)).toBeCloseTo(1, 12);
        for (let i = 0; i < m; i++) expect(sign * x[i]).toBeCloseTo(want[i], 8);
      }
    }
  });
});

describe('dense eigenvectors', () => {
  it('inverse iteration on a dense indefinite matrix gives ml-matrix\'s unit eigenvectors (up to sign)', () => {
    for (const m of [1, 7, 40]) {
      const a = symmetric(m, 5);
      const mat = new Matrix(m, m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) mat.set(i, j, a[i * m + j]);
      const eig = new EigenvalueDecomposition(mat, { assumeSymmetric: true });
      const values = eig.realEigenvalues;
      const order = values.map((_, i) => i).sort((x, y) => values[x] - values[y]);
      for (const k of new Set([0, Math.floor(m / 3), m - 1])) {
        const x = symmetricEigenvector(a, m, values[order[k]]);
        const want = eig.eigenvectorMatrix.getColumn(order[k]);
        const sign = Math.sign(want.reduce((acc, w, i) => acc + w * x[i], 0));
        expect(x.reduce((acc, v) => acc + v * v, 0)).toBeCloseTo(1, 12);
        for (let i = 0; i < m; i++) expect(sign * x[i]).toBeCloseTo(want[i], 8);
      }
    }
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

  it('measures each extreme\'s Ritz residual with one more product; it bounds the distance to an eigenvalue', async () => {
    const n = 150;
    const a = symmetric(n, 3);
    const want = reference(a, n);
    const nearest = (theta: number) => Math.min(...Array.from(want, (l) => Math.abs(l - theta)));
    let products = 0;
    const op = { n, applyRows: (v: Float64Array, p: number) => (products++, jsDenseProducts().abT(v, p, a, n, n)) };
    for (const maxBasis of [8, 24, 150]) {
      products = 0;
      const got = await blockLanczos(op, jsDenseProducts(), { blockSize: 4, maxBasis, tolerance: -1 });
      expect(got.passes).toBe(products);
      expect(nearest(got.lambdaMin)).toBeLessThanOrEqual(got.residualMin * (1 + 1e-9) + 1e-12);
      expect(nearest(got.lambdaMax)).toBeLessThanOrEqual(got.residualMax * (1 + 1e-9) + 1e-12);
      // A basis of 8 has not converged, and says so; the whole space has.
      if (maxBasis === 8) expect(got.residualMin).toBeGreaterThan(1e-3 * maxAbs(want));
      if (maxBasis === n) expect(Math.max(got.residualMin, got.residualMax)).toBeLessThan(1e-9 * maxAbs(want));
    }
  });
});
