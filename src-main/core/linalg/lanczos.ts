// lambda_min and lambda_max of a large symmetric matrix by single-vector Lanczos with full reorthogonalisation, and
// the operators it runs on. An NTK's lambda_min sits in a tight cluster (docs/performance.md: a relative gap of 2e-6
// of the spread on the bench's 2560-row kernel), so it takes 100-160 products whatever the method; what a step costs
// is what matters. On an engine that holds the matrix (onnxruntime: a float32 product of a 2560-row kernel in about
// 1 ms, the matrix in cache) a step is several times cheaper than the float64 TypeScript product (about 6 ms, 52 MB
// from memory), and the Ritz values agree to float32 rounding of the matrix. The reorthogonalisation against the
// basis (two memory-bound products a step with up to 160 float64 rows) runs on the engine's float64 products when it
// has them (onnxruntime's double Gemm): about 45 ms of a 2560-row spectrum where TypeScript loops took about 70.
import type { SymmetricOperator } from './block-lanczos';
import type { DenseProducts } from './dense-products';
import { matrix, type MatmulEngine } from './gram-engine';
import { finiteMaxAbs } from './norms';
import { tridiagonalEigenvector, tridiagonalExtremes } from './tridiagonal';

export interface LanczosExtremes {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** Products with the operator. */
  readonly steps: number;
  /**
   * ||A y - theta y|| for the Ritz vector y of lambdaMin and of lambdaMax (beta_k |s_k|, at least the products'
   * roundoff times max |theta|): an eigenvalue of the operator lies within it of each. lambdaMin bounds the smallest
   * eigenvalue from above; its residual says how far from an eigenvalue it still is.
   */
  readonly residualMin: number;
  readonly residualMax: number;
}

export interface LanczosOptions {
  /** Largest number of products (default min(n, 160)). */
  readonly iterations?: number;
  /** Stop once both extremes moved less than this times lambda_max over 8 steps (default 1e-11; negative: never). */
  readonly tolerance?: number;
  /**
   * Float64 products to reorthogonalise on (an engine's double Gemm, MatmulEngine.float64): two products a step with
   * the whole basis, memory-bound, which TypeScript loops run several times slower. Default: those loops.
   */
  readonly products?: DenseProducts;
}

/**
 * w = A v for a row-major [rows, cols] A. Four rows share each load of v[j] and keep four independent sums, which runs
 * about twice as fast as the one-row loop in V8 (the matvec of the float64 path and the Gram-Schmidt projections).
 */
function matVec(a: Float64Array, rows: number, cols: number, v: Float64Array, w: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < cols; j++) {
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
  for (; i < rows; i++) {
    let s = 0;
    const row = i * cols;
    for (let j = 0; j < cols; j++) s += a[row + j] * v[j];
    w[i] = s;
  }
}

/** The [n, n] float64 matrix a as an operator whose products run in float64 TypeScript (exact to float64 rounding). */
export function denseOperator(a: Float64Array, n: number): SymmetricOperator {
  return {
    n,
    async applyRows(v, p) {
      const out = new Float64Array(p * n);
      for (let r = 0; r < p; r++) matVec(a, n, n, v.subarray(r * n, (r + 1) * n), out.subarray(r * n, (r + 1) * n));
      return out;
    },
  };
}

/**
 * The factor a float32 copy of a matrix whose largest |entry| is maxAbs is scaled by: 1 inside 2^+-60, else
 * 1 / maxAbs (so float32 neither overflows nor flushes a tiny kernel to zero).
 */
export function float32Scale(maxAbs: number): number {
  return maxAbs > 2 ** -60 && maxAbs < 2 ** 60 ? 1 : maxAbs > 0 ? 1 / maxAbs : 1;
}

/**
 * An operator on `scaled`, an [n, n] float32 copy of a matrix times `scale`, held by an engine (MatmulEngine.hold):
 * a product is one engine call, divided by the scale in float64. Call release() when done.
 */
export function heldFloat32Operator(scaled: Float32Array, n: number, scale: number, hold: NonNullable<MatmulEngine['hold']>): SymmetricOperator & { release(): void } {
  const held = hold(matrix(n, n, scaled));
  return {
    n,
    roundoff: 2 ** -24,
    async applyRows(v, p) {
      const product = await held.times(matrix(p, n, new Float32Array(v)));
      const out = new Float64Array(product.length);
      for (let i = 0; i < out.length; i++) out[i] = product[i] / scale;
      return out;
    },
    release: () => held.release(),
  };
}

/**
 * The [n, n] matrix a, scaled by float32Scale, rounded to float32 and held by an engine: a product costs one engine
 * call. The operator's eigenvalues are a's to within the float32 rounding of its entries
 * (|lambda error| <= ||a - fl32(a)||_2, about 1e-7 of ||a||). maxAbs: max |a_ij|, when the caller has it. Call
 * release() when done.
 */
export function heldOperator(a: Float64Array, n: number, hold: NonNullable<MatmulEngine['hold']>, maxAbs = finiteMaxAbs(a).maxAbs): SymmetricOperator & { release(): void } {
  const scale = float32Scale(maxAbs);
  // The native conversion is 5x faster than a scaling loop; the loop runs only for kernels outside 2^+-60.
  return heldFloat32Operator(scale === 1 ? new Float32Array(a) : Float32Array.from(a, (v) => v * scale), n, scale, hold);
}

/**
 * basis rows 0..count-1 ([count, n]): w -= Q^T (Q w), classical Gram-Schmidt in float64; returns ||w|| after. The
 * update takes four basis rows per pass over w.
 */
function orthogonaliseInPlace(basis: Float64Array, count: number, n: number, w: Float64Array, c: Float64Array): number {
  matVec(basis, count, n, w, c);
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const q0 = j * n;
    const q1 = q0 + n;
    const q2 = q1 + n;
    const q3 = q2 + n;
    const c0 = c[j];
    const c1 = c[j + 1];
    const c2 = c[j + 2];
    const c3 = c[j + 3];
    for (let i = 0; i < n; i++) w[i] -= c0 * basis[q0 + i] + c1 * basis[q1 + i] + c2 * basis[q2 + i] + c3 * basis[q3 + i];
  }
  for (; j < count; j++) {
    const q = j * n;
    const cj = c[j];
    for (let i = 0; i < n; i++) w[i] -= cj * basis[q + i];
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm += w[i] * w[i];
  return Math.sqrt(norm);
}

/** The same projection on float64 products: c = Q w^T, then w -= c^T Q. */
async function orthogonaliseOn(products: DenseProducts, basis: Float64Array, count: number, n: number, w: Float64Array): Promise<number> {
  const q = basis.subarray(0, count * n);
  const c = await products.abT(q, count, w, 1, n);
  const back = await products.ab(c, 1, count, q, n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    w[i] -= back[i];
    norm += w[i] * w[i];
  }
  return Math.sqrt(norm);
}

/**
 * Extreme eigenvalues by Lanczos (deterministic start vector). Each step takes the three-term recurrence, then one
 * pass of classical Gram-Schmidt against the whole basis, and a second pass only when the first removed more than
 * 30% of the norm (the criterion of Daniel, Gragg, Kaufman and Stewart, 1976; "twice is enough"). Converges fast for
 * lambda_max; lambda_min of a clustered NTK spectrum is an upper estimate that tightens with `iterations`, and its
 * Ritz residual says how far from an eigenvalue it may still be. Stops early once both extreme Ritz values have moved
 * less than `tolerance` lambda_max over the last 8 steps (a negative tolerance runs every step).
 * Cost: `steps` products plus O(steps^2 n).
 */
export async function lanczosExtremes(operator: SymmetricOperator, options: LanczosOptions = {}): Promise<LanczosExtremes> {
  const n = operator.n;
  const iterations = options.iterations ?? Math.min(n, 160);
  const tolerance = options.tolerance ?? 1e-11;
  const products = options.products;
  const basis = new Float64Array(Math.max(1, iterations) * n);
  const coefficients = new Float64Array(Math.max(1, iterations));
  const alpha: number[] = [];
  const beta: number[] = [];
  let norm = 0;
  for (let i = 0; i < n; i++) norm += (basis[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3)) ** 2;
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) basis[i] /= norm;
  let previous: { min: number; max: number } | undefined;
  let scale = 0;
  for (let it = 0; it < iterations; it++) {
    const v = basis.subarray(it * n, (it + 1) * n);
    const w = await operator.applyRows(v, 1);
    let dot = 0;
    let image = 0;
    for (let i = 0; i < n; i++) {
      dot += w[i] * v[i];
      image += w[i] * w[i];
    }
    scale = Math.max(scale, Math.sqrt(image));
    alpha.push(dot);
    const last = it > 0 ? beta[it - 1] : 0;
    const before = it > 0 ? basis.subarray((it - 1) * n, it * n) : undefined;
    let removed = 0;
    for (let i = 0; i < n; i++) {
      w[i] -= dot * v[i] + (before ? last * before[i] : 0);
      removed += w[i] * w[i];
    }
    const orthogonalise = () => (products ? orthogonaliseOn(products, basis, it + 1, n, w) : orthogonaliseInPlace(basis, it + 1, n, w, coefficients));
    norm = await orthogonalise();
    if (norm < 0.7 * Math.sqrt(removed)) norm = await orthogonalise();
    // Invariant subspace found: the rest of w is rounding (relative to ||A v|| seen so far, so any scale of A works).
    if (norm <= 1e-12 * scale || it === iterations - 1) break;
    if ((it + 1) % 8 === 0 && it + 1 >= 24) {
      const now = tridiagonalExtremes(alpha, beta);
      const scale = Math.max(Math.abs(now.max), Math.abs(now.min));
      if (previous && Math.abs(now.min - previous.min) <= tolerance * scale && Math.abs(now.max - previous.max) <= tolerance * scale) break;
      previous = now;
    }
    beta.push(norm);
    const next = basis.subarray((it + 1) * n, (it + 2) * n);
    for (let i = 0; i < n; i++) next[i] = w[i] / norm;
  }
  const offDiagonal = beta.slice(0, alpha.length - 1);
  const ritz = tridiagonalExtremes(alpha, offDiagonal);
  // The residual of the Ritz pair (theta, V s): ||A V s - theta V s|| = beta_k |s_k|, with beta_k the norm left by the
  // last step (about 0 where the Krylov space became invariant); never below what rounding the products leaves.
  const floor = (operator.roundoff ?? Number.EPSILON / 2) * Math.max(Math.abs(ritz.min), Math.abs(ritz.max));
  const residual = (theta: number) => Math.max(floor, norm * Math.abs(tridiagonalEigenvector(alpha, offDiagonal, theta).at(-1) as number));
  return { lambdaMin: ritz.min, lambdaMax: ritz.max, steps: alpha.length, residualMin: residual(ritz.min), residualMax: residual(ritz.max) };
}
