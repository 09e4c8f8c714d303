// Eigenvalues of symmetric Gram matrices in float64: the full spectrum for moderate sizes (Householder tridiagonal
// reduction and Sturm bisection, tridiagonal.ts: 4-5x faster than ml-matrix's QL with eigenvectors, docs/performance.md)
// and lambda_min / lambda_max by Lanczos with full reorthogonalisation for large ones, where an O(N^3) decomposition
// costs more than the kernel. Non-finite input is refused with a coded error (ntk/non-finite): bisection on NaN
// never converges to anything meaningful.
import { CodedError } from '../../contract/result';
import { firstNonFinite } from './norms';
import { denseSymmetricEigenvalues, tridiagonalExtremes } from './tridiagonal';

export interface Spectrum {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** lambda_max / lambda_min (Infinity when lambda_min <= 0). */
  readonly condition: number;
  /** All eigenvalues ascending, when computed. */
  readonly eigenvalues?: Float64Array;
  readonly method: 'full' | 'lanczos';
}

/** Throws ntk/non-finite when a [n, n] has a NaN or infinite entry (or the wrong length). */
function assertFiniteSquare(a: Float64Array, n: number): void {
  if (a.length !== n * n) throw new CodedError('ntk/non-finite', `a spectrum needs an ${n} x ${n} matrix; got ${a.length} entries`);
  const bad = firstNonFinite(a);
  if (bad >= 0) throw new CodedError('ntk/non-finite', `the matrix has a non-finite entry (${a[bad]}) at row ${Math.floor(bad / n)}, column ${bad % n}; its spectrum is undefined`);
}

/** scale (a + a^T) / 2, halving first so entries near the float64 limit cannot overflow. */
function symmetrised(a: Float64Array, n: number, scale: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = scale * (0.5 * a[i * n + j] + 0.5 * a[j * n + i]);
  return m;
}

/**
 * All eigenvalues of the symmetric matrix a [n, n] (row-major), ascending. Cost O(n^3). Throws ntk/non-finite.
 * Entries beyond 1e150 in magnitude are scaled down first (eigenvalues scale with the matrix): the reduction
 * squares them and would overflow.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  assertFiniteSquare(a, n);
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  const scale = maxAbs > 1e150 ? 1 / maxAbs : 1;
  const eigenvalues = denseSymmetricEigenvalues(symmetrised(a, n, scale), n).map((v) => v / scale);
  if (firstNonFinite(eigenvalues) >= 0) throw new CodedError('ntk/non-finite', `the eigenvalues of this ${n} x ${n} matrix overflowed float64`);
  return eigenvalues;
}

/**
 * w = A v for a row-major [n, n] A. Four rows share each load of v[j] and keep four independent sums, which runs
 * about twice as fast as the one-row loop in V8 (the matvec is nearly all of Lanczos's time).
 */
function matVec(a: Float64Array, v: Float64Array, w: Float64Array, n: number): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n; j++) {
      const vj = v[j];
      s0 += a[r0 + j] * vj;
      s1 += a[r1 + j] * vj;
      s2 += a[r2 + j] * vj;
      s3 += a[r3 + j] * vj;
    }
    w[i] = s0;
    w[i + 1] = s1;
    w[i + 2] = s2;
    w[i + 3] = s3;
  }
  for (; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += a[row + j] * v[j];
    w[i] = s;
  }
}

/**
 * Extreme eigenvalues by Lanczos (full reorthogonalisation, deterministic start vector). Converges fast for
 * lambda_max; lambda_min of a clustered NTK spectrum is an upper estimate that tightens with `iterations`. Stops
 * early once both extreme Ritz values have moved less than `tolerance` lambda_max over the last 8 steps (a
 * negative tolerance runs every step).
 * Cost O(steps * n^2).
 */
export function lanczosExtremes(a: Float64Array, n: number, iterations = Math.min(n, 160), tolerance = 1e-11): { lambdaMin: number; lambdaMax: number; steps: number } {
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let v = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.sin(1.7 * i + 0.3));
  let norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  v = v.map((x) => x / norm);
  let previous: { min: number; max: number } | undefined;
  for (let it = 0; it < iterations; it++) {
    basis.push(v);
    const w = new Float64Array(n);
    matVec(a, v, w, n);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += w[i] * v[i];
    alpha.push(dot);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let proj = 0;
        for (let i = 0; i < n; i++) proj += w[i] * q[i];
        for (let i = 0; i < n; i++) w[i] -= proj * q[i];
      }
    }
    norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm < 1e-12 * Math.max(1, Math.abs(dot)) || it === iterations - 1) break;
    if ((it + 1) % 8 === 0 && it + 1 >= 24) {
      const now = tridiagonalExtremes(alpha, beta);
      const scale = Math.max(Math.abs(now.max), Math.abs(now.min));
      if (previous && Math.abs(now.min - previous.min) <= tolerance * scale && Math.abs(now.max - previous.max) <= tolerance * scale) break;
      previous = now;
    }
    beta.push(norm);
    v = w.map((x) => x / norm);
  }
  const ritz = tridiagonalExtremes(alpha, beta.slice(0, alpha.length - 1));
  return { lambdaMin: ritz.min, lambdaMax: ritz.max, steps: alpha.length };
}

/** Spectrum of a symmetric Gram [n, n]: the full eigenvalues when n <= fullMax, else Lanczos extremes. Throws ntk/non-finite. */
export function gramSpectrum(a: Float64Array, n: number, fullMax = 512): Spectrum {
  assertFiniteSquare(a, n);
  if (n <= fullMax) {
    const eigenvalues = symmetricEigenvalues(a, n);
    const lambdaMin = eigenvalues[0];
    const lambdaMax = eigenvalues[n - 1];
    return { lambdaMin, lambdaMax, condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity, eigenvalues, method: 'full' };
  }
  const { lambdaMin, lambdaMax } = lanczosExtremes(a, n);
  if (!Number.isFinite(lambdaMin) || !Number.isFinite(lambdaMax)) throw new CodedError('ntk/non-finite', `the extreme eigenvalues of this ${n} x ${n} matrix overflowed float64`);
  return { lambdaMin, lambdaMax, condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity, method: 'lanczos' };
}
