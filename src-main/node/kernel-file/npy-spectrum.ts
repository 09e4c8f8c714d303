// Spectrum of a kernel in a .npy file: core's block Lanczos (p Krylov vectors per product). Where a float32 copy of
// the kernel fits the memory budget and the engine can hold it (MatmulEngine.hold), the file is read once into that
// copy and every product is one engine call on it (the 10^4 class-trace kernel's spectrum: 2.9 s, against 9-10 s for
// 20 reads of the 800 MB file). Otherwise each product reads the file in row blocks of about 64 MiB, on
// onnxruntime's double Gemm. Memory: the copy (n^2 float32) or one row block, plus the Lanczos basis
// (maxBasis x n float64).
import type { KernelFileDto } from '../../contract/api';
import { CodedError } from '../../contract/result';
import { blockLanczos, type SymmetricOperator } from '../../core/linalg/block-lanczos';
import type { DenseProducts } from '../../core/linalg/dense-products';
import { finiteMaxAbs } from '../../core/linalg/norms';
import type { MatmulEngine } from '../../core/linalg/gram-engine';
import { float32Scale, heldFloat32Operator } from '../../core/linalg/lanczos';
import { availableMemory } from '../memory-guard';
import { createOrtDenseProducts } from '../ort/ort-f64-gram';
import { type NpyMatrixReader, openNpyMatrix } from './npy-matrix-reader';

export interface FileSpectrum {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** The largest eigenvalues, descending. */
  readonly top: Float64Array;
  readonly method: 'block-lanczos';
  /** Products with the kernel: reads of the whole file, or (held) products with its float32 copy after one read. */
  readonly passes: number;
  readonly basis: number;
  /** Whether the products ran on a float32 copy held by the engine (the Ritz values then carry its rounding). */
  readonly held: boolean;
  /** The extremes' measured Ritz residuals: an eigenvalue lies within each of its value. */
  readonly residualMin: number;
  readonly residualMax: number;
}

/**
 * The spectrum as the kernel's sidecar records it (KernelSidecar.spectrum, read back as KernelFileDto's), for the CLI
 * and the app's runs alike.
 */
export function sidecarSpectrum(spectrum: FileSpectrum, seconds: number): NonNullable<KernelFileDto['spectrum']> {
  const { lambdaMax, lambdaMin, method, passes, held, basis } = spectrum;
  return { lambdaMax, lambdaMin, lambdaMinResidual: spectrum.residualMin, lambdaMaxResidual: spectrum.residualMax, top: Array.from(spectrum.top), method, passes, basis, held, seconds };
}

export interface FileSpectrumOptions {
  /**
   * Products for the Lanczos basis (and the row-block products when not held); default the engine's float64 products,
   * else onnxruntime's double Gemm made for this call.
   */
  readonly products?: DenseProducts;
  /** An engine that can hold the float32 copy (onnxruntime's, node/engines.ts); without one every product reads the file. */
  readonly engine?: MatmulEngine;
  /** The process's memory budget in bytes (--memory); default its resident size now plus 3/4 of the free memory. */
  readonly memoryBytes?: number;
}

const ROW_BLOCK_BYTES = 64 << 20;

/** Rows per read of the file: about ROW_BLOCK_BYTES, at least one. */
const rowsPerReadOf = (file: NpyMatrixReader): number => Math.max(1, Math.min(file.rows, Math.floor(ROW_BLOCK_BYTES / (file.rows * file.item))));

/** The .npy opened in `file` ([n, n] float64 or float32, symmetric) as a SymmetricOperator reading row blocks. */
function npyOperator(file: NpyMatrixReader, products: DenseProducts): SymmetricOperator {
  const n = file.rows;
  const rowsPerRead = rowsPerReadOf(file);
  const raw = new Uint8Array(rowsPerRead * n * file.item);
  // The first full read checks every entry; later reads of the same file skip the scan (about 0.1 s of 0.45 s a
  // pass over the 800 MB file of 10^4 samples).
  let checked = false;
  return {
    n,
    async applyRows(v, p) {
      const out = new Float64Array(p * n);
      await forEachRowBlock(file, raw, rowsPerRead, !checked, async (read, r0, rows) => {
        const block = read instanceof Float64Array ? read : Float64Array.from(read);
        // v A = sum over row blocks of v[:, r0..r1) A[r0..r1, :].
        const slice = new Float64Array(p * rows);
        for (let i = 0; i < p; i++) slice.set(v.subarray(i * n + r0, i * n + r0 + rows), i * rows);
        const part = await products.ab(slice, p, rows, block, n);
        for (let i = 0; i < out.length; i++) out[i] += part[i];
      });
      checked = true;
      return out;
    },
  };
}

/**
 * Row-block reads of the file into raw, then onRows(block, r0, rows, maxAbs), in order. With `check` each block is
 * checked finite in the same pass that finds its largest |entry| (maxAbs; NaN without `check`).
 */
async function forEachRowBlock(
  file: NpyMatrixReader,
  raw: Uint8Array,
  rowsPerRead: number,
  check: boolean,
  onRows: (block: Float64Array | Float32Array, r0: number, rows: number, maxAbs: number) => void | Promise<void>,
): Promise<void> {
  const { rows: n, path } = file;
  for (let r0 = 0; r0 < n; r0 += rowsPerRead) {
    const rows = Math.min(rowsPerRead, n - r0);
    const block = file.readRows(raw, r0, rows);
    const { maxAbs, nonFinite: bad } = check ? finiteMaxAbs(block) : { maxAbs: NaN, nonFinite: -1 };
    if (bad >= 0) throw new CodedError('ntk/non-finite', `${path}: entry (${r0 + Math.floor(bad / n)}, ${bad % n}) is ${block[bad]}; its spectrum is undefined`);
    await onRows(block, r0, rows, maxAbs);
  }
}

/** The file read once into a float32 copy held by the engine (scaled as core's heldOperator scales): products are engine calls. */
async function heldFileOperator(file: NpyMatrixReader, hold: NonNullable<MatmulEngine['hold']>): Promise<SymmetricOperator & { release(): void }> {
  const n = file.rows;
  const copy = new Float32Array(n * n);
  const rowsPerRead = rowsPerReadOf(file);
  let maxAbs = 0;
  await forEachRowBlock(file, new Uint8Array(rowsPerRead * n * file.item), rowsPerRead, true, (block, r0, _rows, blockMax) => {
    maxAbs = Math.max(maxAbs, blockMax);
    copy.set(block, r0 * n);
  });
  const scale = float32Scale(maxAbs);
  // Outside 2^+-60 the rows are read again and scaled over the unscaled copy (which float32 could not hold).
  if (scale !== 1) await forEachRowBlock(file, new Uint8Array(rowsPerRead * n * file.item), rowsPerRead, false, (block, r0) => {
    for (let i = 0; i < block.length; i++) copy[r0 * n + i] = block[i] * scale;
  });
  return heldFloat32Operator(copy, n, scale, hold);
}

/**
 * lambda_min, lambda_max and the `top` largest eigenvalues of the symmetric kernel in a .npy file. Cost: `passes`
 * products of p vectors, each 2 n^2 p flops and (streaming) a read of the file; see core/linalg/block-lanczos.ts for
 * convergence. The float32 copy is made when n^2 4 bytes plus a row block fit the budget left over the process's
 * resident size.
 */
export async function npyKernelSpectrum(path: string, top: number, options: FileSpectrumOptions = {}): Promise<FileSpectrum> {
  const given = options.products ?? options.engine?.float64;
  const products = given ?? (await createOrtDenseProducts());
  try {
    const file = openNpyMatrix(path, 'a spectrum');
    try {
      const n = file.rows;
      if (n !== file.cols) throw new CodedError('data/invalid', `${path}: a spectrum needs a square matrix, not ${n} x ${file.cols}`);
      const resident = process.memoryUsage().rss;
      const room = (options.memoryBytes ?? resident + 0.75 * availableMemory()) - resident;
      const hold = options.engine?.hold?.bind(options.engine);
      if (hold && n * n * 4 + ROW_BLOCK_BYTES <= room) {
        const operator = await heldFileOperator(file, hold);
        try {
          return { ...(await blockLanczos(operator, products, { top })), method: 'block-lanczos', held: true };
        } finally {
          operator.release();
        }
      }
      return { ...(await blockLanczos(npyOperator(file, products), products, { top })), method: 'block-lanczos', held: false };
    } finally {
      file.close();
    }
  } finally {
    if (!given) await (products as { dispose?: () => Promise<void> }).dispose?.();
  }
}
