// Eigenvalues of small symmetric matrices without eigenvectors: Householder reduction to tridiagonal form
// (Golub & Van Loan, Matrix Computations, 4th ed., alg. 8.3.1; 4/3 m^3 flops) and Sturm-sequence bisection for any
// k-th eigenvalue (O(m) per halving). The Rayleigh-Ritz step of block Lanczos and the full spectrum both use it.

/** Eigenvalues of the symmetric tridiagonal T (alpha on the diagonal, beta off it) below x: the Sturm count. */
function countBelow(alpha: ArrayLike<number>, beta: ArrayLike<number>, x: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < alpha.length; i++) {
    const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
    d = alpha[i] - x - (i > 0 ? b2 / d : 0);
    if (d === 0) d = -Number.EPSILON * (Math.abs(alpha[i]) + Math.abs(x) + Number.MIN_VALUE);
    if (d < 0) count++;
  }
  return count;
}

/** Gershgorin bounds [lo, hi] of a symmetric tridiagonal matrix: every eigenvalue lies inside. */
function gershgorin(alpha: ArrayLike<number>, beta: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < alpha.length; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < beta.length ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  return [lo, hi];
}

/** The k-th smallest (k from 0) eigenvalue of a symmetric tridiagonal matrix, to a few ulps, by bisection. */
export function tridiagonalKth(alpha: ArrayLike<number>, beta: ArrayLike<number>, k: number, bounds = gershgorin(alpha, beta)): number {
  let [a, b] = bounds;
  for (let step = 0; step < 200 && b - a > 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE); step++) {
    const mid = 0.5 * (a + b);
    if (countBelow(alpha, beta, mid) > k) b = mid;
    else a = mid;
  }
  return 0.5 * (a + b);
}

/** The smallest and largest eigenvalue of a symmetric tridiagonal matrix. */
export function tridiagonalExtremes(alpha: ArrayLike<number>, beta: ArrayLike<number>): { min: number; max: number } {
  const bounds = gershgorin(alpha, beta);
  return { min: tridiagonalKth(alpha, beta, 0, bounds), max: tridiagonalKth(alpha, beta, alpha.length - 1, bounds) };
}

/**
 * Householder reduction of the symmetric a [m, m] (row-major; overwritten) to tridiagonal form with the same
 * eigenvalues: returns its diagonal and off-diagonal. Reads the lower triangle. Cost 4/3 m^3 flops.
 */
export function householderTridiagonal(a: Float64Array, m: number): { alpha: Float64Array; beta: Float64Array } {
  const alpha = new Float64Array(m);
  const beta = new Float64Array(Math.max(0, m - 1));
  const v = new Float64Array(m);
  const p = new Float64Array(m);
  for (let k = 0; k < m - 2; k++) {
    // v = the Householder vector zeroing a[k+2.., k] below the subdiagonal.
    let norm2 = 0;
    for (let i = k + 1; i < m; i++) norm2 += a[i * m + k] * a[i * m + k];
    const x0 = a[(k + 1) * m + k];
    const norm = Math.sqrt(norm2);
    alpha[k] = a[k * m + k];
    if (norm === 0 || norm2 - x0 * x0 === 0) {
      beta[k] = x0;
      continue;
    }
    const sign = x0 >= 0 ? 1 : -1;
    beta[k] = -sign * norm;
    for (let i = k + 1; i < m; i++) v[i] = a[i * m + k];
    v[k + 1] += sign * norm;
    let vv = 0;
    for (let i = k + 1; i < m; i++) vv += v[i] * v[i];
    const tau = 2 / vv;
    // A' = H A H on the trailing block, H = I - tau v v^T: p = tau A v, w = p - (tau/2)(v.p) v, A -= v w^T + w v^T.
    for (let i = k + 1; i < m; i++) {
      let s = 0;
      const row = i * m;
      for (let j = k + 1; j < m; j++) s += a[row + j] * v[j];
      p[i] = tau * s;
    }
    let vp = 0;
    for (let i = k + 1; i < m; i++) vp += v[i] * p[i];
    const half = 0.5 * tau * vp;
    for (let i = k + 1; i < m; i++) p[i] -= half * v[i];
    for (let i = k + 1; i < m; i++) {
      const row = i * m;
      const vi = v[i];
      const pi = p[i];
      for (let j = k + 1; j < m; j++) a[row + j] -= vi * p[j] + pi * v[j];
    }
  }
  if (m >= 2) {
    alpha[m - 2] = a[(m - 2) * m + m - 2];
    beta[m - 2] = a[(m - 1) * m + m - 2];
  }
  if (m >= 1) alpha[m - 1] = a[(m - 1) * m + m - 1];
  return { alpha, beta };
}

/** All eigenvalues of the symmetric a [m, m] (row-major, not modified), ascending: Householder, then bisection. */
export function denseSymmetricEigenvalues(a: Float64Array, m: number): Float64Array {
  const { alpha, beta } = householderTridiagonal(Float64Array.from(a), m);
  const bounds = gershgorin(alpha, beta);
  return Float64Array.from({ length: m }, (_, k) => tridiagonalKth(alpha, beta, k, bounds));
}
