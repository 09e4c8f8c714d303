// Eigenvalues of small symmetric matrices without eigenvectors: Householder reduction to tridiagonal form
// (Golub & Van Loan, Matrix Computations, 4th ed., alg. 8.3.1; 4/3 m^3 flops), then implicit QL for the whole
// spectrum or Sturm-sequence bisection for one k-th eigenvalue (O(m) per halving), and inverse iteration for one
// eigenvector of a tridiagonal or a small dense matrix (a Ritz pair's residual). The Rayleigh-Ritz steps of the Lanczos methods and the full spectrum use it.

/**
 * The smallest pivot a Sturm count lets stand, as LAPACK's dstebz takes it: the smallest normal float64 times
 * max(1, max beta^2). A pivot of 0 (x an eigenvalue of a leading block) or one that the next division would blow up
 * becomes -pivmin.
 */
function pivotFloor(beta: ArrayLike<number>): number {
  let b2 = 1;
  for (let i = 0; i < beta.length; i++) b2 = Math.max(b2, beta[i] * beta[i]);
  return 2 ** -1022 * b2;
}

/** Eigenvalues of the symmetric tridiagonal T (alpha on the diagonal, beta off it) below x: the Sturm count. */
function countBelow(alpha: ArrayLike<number>, beta: ArrayLike<number>, x: number, pivmin: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < alpha.length; i++) {
    const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
    d = alpha[i] - x - (i > 0 ? b2 / d : 0);
    if (Math.abs(d) <= pivmin) d = -pivmin;
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
  const pivmin = pivotFloor(beta);
  for (let step = 0; step < 200 && b - a > 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE); step++) {
    const mid = 0.5 * (a + b);
    if (countBelow(alpha, beta, mid, pivmin) > k) b = mid;
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
 * x = (T - theta I)^-1 b for the symmetric tridiagonal T, by Gaussian elimination with partial pivoting (LAPACK's
 * dgttrf and dgtts2; U gains a second superdiagonal where rows swap). A zero pivot, which an exact eigenvalue theta
 * gives, becomes eps ||T||: inverse iteration wants the near-singular solve.
 */
function shiftedSolve(alpha: ArrayLike<number>, beta: ArrayLike<number>, theta: number, b: Float64Array): Float64Array {
  const m = alpha.length;
  const d = Float64Array.from(alpha, (a) => a - theta);
  const dl = Float64Array.from(beta);
  const du = Float64Array.from(beta);
  const du2 = new Float64Array(m);
  const x = Float64Array.from(b);
  const [lo, hi] = gershgorin(alpha, beta);
  const tiny = Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE);
  for (let i = 0; i < m - 1; i++) {
    if (Math.abs(d[i]) >= Math.abs(dl[i])) {
      if (d[i] === 0) d[i] = tiny;
      const f = dl[i] / d[i];
      d[i + 1] -= f * du[i];
      x[i + 1] -= f * x[i];
    } else {
      const f = d[i] / dl[i];
      d[i] = dl[i];
      const below = d[i + 1];
      d[i + 1] = du[i] - f * below;
      du[i] = below;
      if (i < m - 2) {
        du2[i] = du[i + 1];
        du[i + 1] = -f * du2[i];
      }
      const xi = x[i];
      x[i] = x[i + 1];
      x[i + 1] = xi - f * x[i + 1];
    }
  }
  if (d[m - 1] === 0) d[m - 1] = tiny;
  for (let i = m - 1; i >= 0; i--) x[i] = (x[i] - (i + 1 < m ? du[i] * x[i + 1] : 0) - (i + 2 < m ? du2[i] * x[i + 2] : 0)) / d[i];
  return x;
}

/**
 * The unit eigenvector of the symmetric tridiagonal T for its eigenvalue theta (as bisection gives it), by three steps
 * of inverse iteration. Lanczos reads its last component: the residual of a Ritz pair is beta_k |s_k|.
 */
export function tridiagonalEigenvector(alpha: ArrayLike<number>, beta: ArrayLike<number>, theta: number): Float64Array {
  let x = startVector(alpha.length);
  for (let step = 0; step < 3; step++) x = unit(shiftedSolve(alpha, beta, theta, x));
  return x;
}

/**
 * p[k+1..m) = A v on the trailing block of the symmetric a, reading its lower triangle only (each entry once, used
 * for both its row and its column, as BLAS's dsymv does): half the memory traffic of the full product.
 */
function lowerSymv(a: Float64Array, m: number, k: number, v: Float64Array, p: Float64Array): void {
  for (let i = k + 1; i < m; i++) p[i] = 0;
  for (let i = k + 1; i < m; i++) {
    const row = i * m;
    const vi = v[i];
    let s = 0;
    for (let j = k + 1; j < i; j++) {
      const aij = a[row + j];
      s += aij * v[j];
      p[j] += aij * vi;
    }
    p[i] += s + a[row + i] * vi;
  }
}

/**
 * Householder reduction of the symmetric a [m, m] (row-major; its lower triangle read and overwritten) to tridiagonal
 * form with the same eigenvalues: returns its diagonal and off-diagonal. The product and the rank-2 update touch the
 * lower triangle only. Cost 4/3 m^3 flops.
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
    lowerSymv(a, m, k, v, p);
    let vp = 0;
    for (let i = k + 1; i < m; i++) vp += v[i] * (p[i] *= tau);
    const half = 0.5 * tau * vp;
    for (let i = k + 1; i < m; i++) p[i] -= half * v[i];
    for (let i = k + 1; i < m; i++) {
      const row = i * m;
      const vi = v[i];
      const pi = p[i];
      for (let j = k + 1; j <= i; j++) a[row + j] -= vi * p[j] + pi * v[j];
    }
  }
  if (m >= 2) {
    alpha[m - 2] = a[(m - 2) * m + m - 2];
    beta[m - 2] = a[(m - 1) * m + m - 2];
  }
  if (m >= 1) alpha[m - 1] = a[(m - 1) * m + m - 1];
  return { alpha, beta };
}

/**
 * All eigenvalues of a symmetric tridiagonal matrix, ascending: implicit QL with Wilkinson shifts, no eigenvectors
 * (EISPACK tql1; Numerical Recipes' tqli). About 30 m^2 flops in all, against m^2 per halving for bisection of every
 * eigenvalue. Throws if an eigenvalue needs more than 60 sweeps (not seen on finite input).
 */
export function tridiagonalEigenvalues(alpha: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const m = alpha.length;
  const d = Float64Array.from(alpha);
  const e = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) e[i] = beta[i];
  for (let l = 0; l < m; l++) {
    for (let iteration = 0; ; iteration++) {
      let s = l;
      while (s < m - 1 && Math.abs(e[s]) > Number.EPSILON * (Math.abs(d[s]) + Math.abs(d[s + 1]))) s++;
      if (s === l) break;
      if (iteration === 60) throw new Error(`tridiagonal QL: eigenvalue ${l} did not converge in 60 sweeps`);
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[s] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let sin = 1;
      let cos = 1;
      let p = 0;
      let i = s - 1;
      for (; i >= l; i--) {
        const f = sin * e[i];
        const b = cos * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Deflation: the rotation underflowed; the split at i + 1 is taken on the next sweep.
          d[i + 1] -= p;
          e[s] = 0;
          break;
        }
        sin = f / r;
        cos = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * sin + 2 * cos * b;
        p = sin * r;
        d[i + 1] = g + p;
        g = cos * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[s] = 0;
    }
  }
  return d.sort();
}

/** All eigenvalues of the symmetric a [m, m] (row-major, not modified), ascending: Householder, then implicit QL. */
export function denseSymmetricEigenvalues(a: Float64Array, m: number): Float64Array {
  const { alpha, beta } = householderTridiagonal(Float64Array.from(a), m);
  return tridiagonalEigenvalues(alpha, beta);
}

/**
 * The unit eigenvector of the symmetric a [m, m] for its eigenvalue theta, by two steps of inverse iteration on one
 * LU factorisation of a - theta I with partial pivoting (2/3 m^3 flops; for block Lanczos's projected matrix, m up
 * to a few hundred). A zero pivot becomes eps max |a_ij|, as in tridiagonalEigenvector.
 */
export function symmetricEigenvector(a: Float64Array, m: number, theta: number): Float64Array {
  const lu = Float64Array.from(a);
  let scale = Number.MIN_VALUE;
  for (let i = 0; i < m; i++) lu[i * m + i] -= theta;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  const tiny = Number.EPSILON * Math.max(scale, Math.abs(theta));
  const pivots = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    let p = k;
    for (let i = k + 1; i < m; i++) if (Math.abs(lu[i * m + k]) > Math.abs(lu[p * m + k])) p = i;
    pivots[k] = p;
    // LINPACK's convention (dgefa, dgesl): only the active columns swap, so the solve below can interleave each row
    // swap with its elimination step.
    if (p !== k) for (let j = k; j < m; j++) [lu[k * m + j], lu[p * m + j]] = [lu[p * m + j], lu[k * m + j]];
    if (Math.abs(lu[k * m + k]) < tiny) lu[k * m + k] = tiny;
    const pivot = lu[k * m + k];
    for (let i = k + 1; i < m; i++) {
      const f = (lu[i * m + k] /= pivot);
      if (f !== 0) for (let j = k + 1; j < m; j++) lu[i * m + j] -= f * lu[k * m + j];
    }
  }
  let x = startVector(m);
  for (let step = 0; step < 2; step++) {
    const y = Float64Array.from(x);
    for (let k = 0; k < m; k++) {
      const p = pivots[k];
      if (p !== k) [y[k], y[p]] = [y[p], y[k]];
      for (let i = k + 1; i < m; i++) y[i] -= lu[i * m + k] * y[k];
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = y[i];
      for (let j = i + 1; j < m; j++) s -= lu[i * m + j] * y[j];
      y[i] = s / lu[i * m + i];
    }
    x = unit(y);
  }
  return x;
}

/** Inverse iteration's start: every entry nonzero, so no eigenvector is orthogonal to it by construction. */
function startVector(m: number): Float64Array {
  return Float64Array.from({ length: m }, (_, i) => 1 + 0.25 * Math.sin(0.9 * i + 0.1));
}

/** x scaled to unit length (by its largest entry first, so a near-singular solve's huge entries cannot overflow). */
function unit(x: Float64Array): Float64Array {
  let big = 0;
  for (const v of x) big = Math.max(big, Math.abs(v));
  let sum = 0;
  for (const v of x) sum += (v / big) ** 2;
  const scale = 1 / (big * Math.sqrt(sum));
  return x.map((v) => v * scale);
}
