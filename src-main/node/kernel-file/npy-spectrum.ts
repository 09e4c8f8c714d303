// Spectrum of a kernel too large to hold: core's block Lanczos over the .npy on disk, read in row blocks of about
// 64 MiB per product (one pass over the file per p Krylov vectors, not per vector), products on onnxruntime's double
// Gemm. Memory: one row block plus the Lanczos basis (maxBasis x n float64).
import { CodedError } from '../../contract/result';
import { blockLanczos, type SymmetricOperator } from '../../core/linalg/block-lanczos';
import type { DenseProducts } from '../../core/linalg/dense-products';
import { firstNonFinite } from '../../core/linalg/norms';
import { createOrtDenseProducts } from '../ort/ort-f64-gram';
import { type NpyMatrixReader, openNpyMatrix } from './npy-matrix-reader';

export interface FileSpectrum {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** The largest eigenvalues, descending. */
  readonly top: Float64Array;
  readonly method: 'block-lanczos';
  /** Reads of the whole file. */
  readonly passes: number;
  readonly basis: number;
}

const ROW_BLOCK_BYTES = 64 << 20;

/** The .npy opened in `file` ([n, n] float64 or float32, symmetric) as a SymmetricOperator reading row blocks. */
function npyOperator(file: NpyMatrixReader, products: DenseProducts): SymmetricOperator {
  const { rows: n, cols, item, path } = file;
  if (n !== cols) throw new CodedError('data/invalid', `${path}: a spectrum needs a square matrix, not ${n} x ${cols}`);
  const rowsPerRead = Math.max(1, Math.min(n, Math.floor(ROW_BLOCK_BYTES / (n * item))));
  const raw = new Uint8Array(rowsPerRead * n * item);
  return {
    n,
    async applyRows(v, p) {
      const out = new Float64Array(p * n);
      for (let r0 = 0; r0 < n; r0 += rowsPerRead) {
        const rows = Math.min(rowsPerRead, n - r0);
        const read = file.readRows(raw, r0, rows);
        const block = read instanceof Float64Array ? read : Float64Array.from(read);
        const bad = firstNonFinite(block);
        if (bad >= 0) throw new CodedError('ntk/non-finite', `${path}: entry (${r0 + Math.floor(bad / n)}, ${bad % n}) is ${block[bad]}; its spectrum is undefined`);
        // v A = sum over row blocks of v[:, r0..r1) A[r0..r1, :].
        const slice = new Float64Array(p * rows);
        for (let i = 0; i < p; i++) slice.set(v.subarray(i * n + r0, i * n + r0 + rows), i * rows);
        const part = await products.ab(slice, p, rows, block, n);
        for (let i = 0; i < out.length; i++) out[i] += part[i];
      }
      return out;
    },
  };
}

/**
 * lambda_min, lambda_max and the `top` largest eigenvalues of the symmetric kernel in a .npy file. Cost: `passes`
 * reads of the file, each 2 n^2 p flops; see core/linalg/block-lanczos.ts for convergence.
 */
export async function npyKernelSpectrum(path: string, top: number, products?: DenseProducts): Promise<FileSpectrum> {
  const engine = products ?? (await createOrtDenseProducts());
  try {
    const file = openNpyMatrix(path, 'a spectrum');
    try {
      const result = await blockLanczos(npyOperator(file, engine), engine, { top });
      return { ...result, method: 'block-lanczos' };
    } finally {
      file.close();
    }
  } finally {
    if (!products) await (engine as { dispose?: () => Promise<void> }).dispose?.();
  }
}
