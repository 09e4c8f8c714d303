// Eigenvalues of symmetric Gram matrices in float64: the full spectrum for moderate sizes (Householder tridiagonal
// reduction and implicit QL without eigenvectors, tridiagonal.ts; timings in docs/performance.md)
// and lambda_min / lambda_max by Lanczos (lanczos.ts) for large ones, where an O(N^3) decomposition costs more than
// the kernel; its products run on the caller's engine when it can hold the matrix. Non-finite input is refused with a
// coded error (ntk/non-finite): neither QL nor bisection on NaN converges to anything meaningful.
import { CodedError } from '../../contract/result';
import { HELD_SPECTRUM_COPY_MAX_BYTES } from '../../contract/run-memory';
import { finiteMaxAbs, firstNonFinite } from './norms';
import type { MatmulEngine } from './gram-engine';
import { denseOperator, heldOperator, lanczosExtremes, type LanczosExtremes } from './lanczos';
import { denseSymmetricEigenvalues } from './tridiagonal';

export interface Spectrum {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** lambda_max / lambda_min (Infinity when lambda_min <= 0). */
  readonly condition: number;
  /** All eigenvalues ascending, when computed. */
  readonly eigenvalues?: Float64Array;
  readonly method: 'full' | 'lanczos';
  /** For method 'lanczos': the products taken and each extreme's Ritz residual (an eigenvalue lies within it). */
  readonly lanczos?: { readonly steps: number; readonly lambdaMinResidual: number; readonly lambdaMaxResidual: number };
}

/** Throws ntk/non-finite when a [n, n] has a NaN or infinite entry (or the wrong length); returns max |a_ij|. */
function assertFiniteSquare(a: Float64Array, n: number): number {
  if (a.length !== n * n) throw new CodedError('ntk/non-finite', `a spectrum needs an ${n} x ${n} matrix; got ${a.length} entries`);
  const { maxAbs, nonFinite: bad } = finiteMaxAbs(a);
  if (bad >= 0) throw new CodedError('ntk/non-finite', `the matrix has a non-finite entry (${a[bad]}) at row ${Math.floor(bad / n)}, column ${bad % n}; its spectrum is undefined`);
  return maxAbs;
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
  return eigenvaluesOfFinite(a, n, assertFiniteSquare(a, n));
}

/** symmetricEigenvalues of a matrix already checked finite, whose largest |entry| is maxAbs. */
function eigenvaluesOfFinite(a: Float64Array, n: number, maxAbs: number): Float64Array {
  const scale = maxAbs > 1e150 ? 1 / maxAbs : 1;
  const eigenvalues = denseSymmetricEigenvalues(symmetrised(a, n, scale), n).map((v) => v / scale);
  if (firstNonFinite(eigenvalues) >= 0) throw new CodedError('ntk/non-finite', `the eigenvalues of this ${n} x ${n} matrix overflowed float64`);
  return eigenvalues;
}

export interface SpectrumOptions {
  /** Largest n for the full spectrum (default 512); Lanczos extremes above it. */
  readonly fullMax?: number;
  /** Runs the Lanczos products on this engine when it can hold the matrix (float32); float64 TypeScript otherwise. */
  readonly engine?: MatmulEngine;
  /**
   * The largest float32 copy the engine may hold, half the float64 kernel again (default HELD_SPECTRUM_COPY_MAX_BYTES,
   * 512 MiB: up to 11585 rows); a larger kernel takes the float64 products instead.
   */
  readonly maxHeldBytes?: number;
}

/**
 * Extremes by Lanczos on the engine's held float32 copy when it has one and the copy fits maxHeldBytes, reorthogonalised
 * on the engine's float64 products when it has them; else on float64 TypeScript products (no copy). maxAbs: max |a_ij|.
 */
async function extremes(a: Float64Array, n: number, maxAbs: number, engine: MatmulEngine | undefined, maxHeldBytes: number): Promise<LanczosExtremes> {
  const hold = engine?.hold?.bind(engine);
  if (!hold || n * n * 4 > maxHeldBytes) return lanczosExtremes(denseOperator(a, n));
  const operator = heldOperator(a, n, hold, maxAbs);
  try {
    return await lanczosExtremes(operator, { products: engine?.float64 });
  } finally {
    operator.release();
  }
}

/** Spectrum of a symmetric Gram [n, n]: the full eigenvalues when n <= fullMax, else Lanczos extremes. Throws ntk/non-finite. */
export async function gramSpectrum(a: Float64Array, n: number, options: SpectrumOptions = {}): Promise<Spectrum> {
  const fullMax = options.fullMax ?? 512;
  const maxAbs = assertFiniteSquare(a, n);
  if (n <= fullMax) {
    const eigenvalues = eigenvaluesOfFinite(a, n, maxAbs);
    const lambdaMin = eigenvalues[0];
    const lambdaMax = eigenvalues[n - 1];
    return { lambdaMin, lambdaMax, condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity, eigenvalues, method: 'full' };
  }
  const { lambdaMin, lambdaMax, steps, residualMin, residualMax } = await extremes(a, n, maxAbs, options.engine, options.maxHeldBytes ?? HELD_SPECTRUM_COPY_MAX_BYTES);
  if (!Number.isFinite(lambdaMin) || !Number.isFinite(lambdaMax)) throw new CodedError('ntk/non-finite', `the extreme eigenvalues of this ${n} x ${n} matrix overflowed float64`);
  const lanczos = { steps, lambdaMinResidual: residualMin, lambdaMaxResidual: residualMax };
  return { lambdaMin, lambdaMax, condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity, method: 'lanczos', lanczos };
}
