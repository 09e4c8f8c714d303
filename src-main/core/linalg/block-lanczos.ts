// Extreme eigenvalues of a large symmetric matrix seen only through products with a block of vectors: block Lanczos
// with full reorthogonalisation and Rayleigh-Ritz on the basis (Golub & Van Loan, 4th ed., sec. 10.3.6). Each step
// multiplies p vectors at once, so the matrix is read once per p Krylov vectors (a memory-mapped kernel file, or an
// in-memory kernel through onnxruntime's double Gemm), and every other product is a GEMM on DenseProducts.
import type { DenseProducts } from './dense-products';
import { householderTridiagonal, symmetricEigenvector, tridiagonalKth } from './tridiagonal';

/** A symmetric n x n matrix as a product: for p vectors given as rows v [p, n], returns v A ([p, n], row-major). */
export interface SymmetricOperator {
  readonly n: number;
  applyRows(v: Float64Array, p: number): Promise<Float64Array>;
  /**
   * The relative rounding of a product (2^-24 when it runs on a float32 copy); default float64's. Residuals of Ritz
   * values are not reported below it times the largest |eigenvalue|.
   */
  readonly roundoff?: number;
}

export interface BlockLanczosOptions {
  /** Vectors per step (default 16). */
  readonly blockSize?: number;
  /** Largest basis (default min(n, 320)). */
  readonly maxBasis?: number;
  /** Largest eigenvalues to return besides the extremes (default 0). */
  readonly top?: number;
  /** Stop once lambda_min, lambda_max and the top values moved less than this times lambda_max in a step (default 1e-10). */
  readonly tolerance?: number;
}

export interface BlockLanczosResult {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** The `top` largest Ritz values, descending. */
  readonly top: Float64Array;
  /** Products with the operator (each reads the matrix once), the residuals' one included. */
  readonly passes: number;
  readonly basis: number;
  /** ||A y - theta y|| of the Ritz vector y of lambdaMin and of lambdaMax, measured: an eigenvalue lies within it of each. */
  readonly residualMin: number;
  readonly residualMax: number;
}

/** Orthonormalises the rows of w [p, n] in place (modified Gram-Schmidt, twice); returns the rows kept (norm above `floor`). */
function orthonormalRows(w: Float64Array, p: number, n: number, floor: number): Float64Array {
  const kept: Float64Array[] = [];
  for (let r = 0; r < p; r++) {
    const row = w.subarray(r * n, (r + 1) * n);
    const before = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    for (let pass = 0; pass < 2; pass++)
      for (const q of kept) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += row[i] * q[i];
        for (let i = 0; i < n; i++) row[i] -= dot * q[i];
      }
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    // A row that lost almost all of itself to the others (or to the basis before) adds no new direction.
    if (norm <= floor || norm <= 1e-10 * before) continue;
    for (let i = 0; i < n; i++) row[i] /= norm;
    kept.push(row);
  }
  const out = new Float64Array(kept.length * n);
  kept.forEach((q, r) => out.set(q, r * n));
  return out;
}

/** A deterministic start block [p, n] (no RNG: the same matrix gives the same figures). */
function startBlock(p: number, n: number): Float64Array {
  return Float64Array.from({ length: p * n }, (_, idx) => {
    const r = Math.floor(idx / n);
    const i = idx % n;
    return Math.sin(1.7 * i + 0.3 + 2.9 * r) + 0.5 * Math.cos(0.37 * (r + 1) * i + r);
  });
}

/**
 * lambda_min, lambda_max and the `top` largest eigenvalues of the symmetric operator. Cost per step: one operator
 * product of p vectors, 4 m p n flops of reorthogonalisation against the m-vector basis, and the Ritz values of the
 * m x m projected matrix (4/3 m^3). lambda_max converges in a few steps; lambda_min of a clustered spectrum is an
 * upper estimate within the cluster, tightening with the basis. One more product of 2 vectors at the end measures
 * the extremes' Ritz residuals.
 */
export async function blockLanczos(op: SymmetricOperator, products: DenseProducts, options: BlockLanczosOptions = {}): Promise<BlockLanczosResult> {
  const n = op.n;
  const p = Math.max(1, Math.min(options.blockSize ?? 16, n));
  const maxBasis = Math.min(n, options.maxBasis ?? 320);
  const topCount = Math.min(options.top ?? 0, n);
  const tolerance = options.tolerance ?? 1e-10;
  const basis = new Float64Array(maxBasis * n);
  // T = Q A Q^T, filled a block column per step: the projection coefficients of A V_s on the basis.
  const t = new Float64Array(maxBasis * maxBasis);
  let m = 0;
  let block = orthonormalRows(startBlock(p, n), p, n, 0);
  let passes = 0;
  let previous: number[] | undefined;
  let watched: number[] = [];
  let projected = new Float64Array(0);
  while (block.length > 0) {
    const rows = Math.min(block.length / n, maxBasis - m);
    basis.set(block.subarray(0, rows * n), m * n);
    const m0 = m;
    m += rows;
    const w = await op.applyRows(block.subarray(0, rows * n), rows);
    passes++;
    // c [m, rows] = Q (A V)^T; T[i, m0 + j] = c[i, j] and its mirror.
    const c = await products.abT(basis.subarray(0, m * n), m, w, rows, n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < rows; j++) {
        t[i * maxBasis + m0 + j] = c[i * rows + j];
        t[(m0 + j) * maxBasis + i] = c[i * rows + j];
      }
    projected = new Float64Array(m * m);
    for (let i = 0; i < m; i++) projected.set(t.subarray(i * maxBasis, i * maxBasis + m), i * m);
    // Only the Ritz values watched are needed: lambda_min and the largest ones, descending.
    // The reduction overwrites its input; projected is kept for the Ritz vectors at the end.
    const { alpha, beta } = householderTridiagonal(Float64Array.from(projected), m);
    watched = [tridiagonalKth(alpha, beta, 0), ...Array.from({ length: Math.max(1, Math.min(topCount, m)) }, (_, i) => tridiagonalKth(alpha, beta, m - 1 - i))];
    const scale = Math.max(Math.abs(watched[0]), Math.abs(watched[1]), Number.MIN_VALUE);
    const settled = previous !== undefined && watched.every((v, i) => Math.abs(v - (previous as number[])[i]) <= tolerance * scale);
    previous = watched;
    if (settled || m >= maxBasis) break;
    // W -= C^T Q, twice (the second pass removes what rounding left of the basis directions).
    let cT = transpose(c, m, rows);
    for (let pass = 0; pass < 2; pass++) {
      const back = await products.ab(cT, rows, m, basis.subarray(0, m * n), n);
      for (let i = 0; i < w.length; i++) w[i] -= back[i];
      if (pass === 0) cT = transpose(await products.abT(basis.subarray(0, m * n), m, w, rows, n), m, rows);
    }
    block = orthonormalRows(w, rows, n, 1e-12 * scale);
  }
  // The two extremes' Ritz vectors y = s^T Q, multiplied in one more product: r = ||A y - theta y|| each.
  const thetas = [watched[0], watched[1]];
  const s = new Float64Array(2 * m);
  thetas.forEach((theta, r) => s.set(symmetricEigenvector(projected, m, theta), r * m));
  const y = await products.ab(s, 2, m, basis.subarray(0, m * n), n);
  const image = await op.applyRows(y, 2);
  passes++;
  const [residualMin, residualMax] = thetas.map((theta, r) => {
    let sum = 0;
    for (let i = r * n; i < (r + 1) * n; i++) sum += (image[i] - theta * y[i]) ** 2;
    return Math.sqrt(sum);
  });
  return { lambdaMin: watched[0], lambdaMax: watched[1], top: Float64Array.from(watched.slice(1, 1 + topCount)), passes, basis: m, residualMin, residualMax };
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
