// Relative Frobenius drift ||K_t - K_0||_F / ||K_0||_F of two kernels on disk (.npy, same shape), read side by side
// in row blocks of about 32 MiB each, so neither kernel is ever held whole. The sums run in float64 in row-major
// order, the order of core/linalg/norms.ts `frobenius` over the whole arrays, so float64 files give its result exactly.
import { CodedError } from '../../contract/result';
import { openNpyMatrix } from './npy-matrix-reader';

const ROW_BLOCK_BYTES = 32 << 20;

/** ||A - B||_F and ||B||_F of the matrices in two .npy files, reading one row block of each at a time. */
export function npyFrobeniusDistance(pathA: string, pathB: string): { distance: number; normB: number } {
  const a = openNpyMatrix(pathA, 'a drift');
  try {
    const b = openNpyMatrix(pathB, 'a drift');
    try {
      const [rowsA, cols] = [a.rows, a.cols];
      if (rowsA !== b.rows || cols !== b.cols)
        throw new CodedError('data/shape-mismatch', `${pathA} is ${a.header.shape.join(' x ')} but ${pathB} is ${b.header.shape.join(' x ')}`);
      const rowsPerRead = Math.max(1, Math.min(rowsA, Math.floor(ROW_BLOCK_BYTES / (cols * 8))));
      const rawA = new Uint8Array(rowsPerRead * cols * a.item);
      const rawB = new Uint8Array(rowsPerRead * cols * b.item);
      let diff = 0;
      let norm = 0;
      for (let r0 = 0; r0 < rowsA; r0 += rowsPerRead) {
        const rows = Math.min(rowsPerRead, rowsA - r0);
        const blockA = a.readRows(rawA, r0, rows);
        const blockB = b.readRows(rawB, r0, rows);
        for (let i = 0; i < blockA.length; i++) {
          const d = blockA[i] - blockB[i];
          diff += d * d;
          norm += blockB[i] * blockB[i];
        }
      }
      return { distance: Math.sqrt(diff), normB: Math.sqrt(norm) };
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

/** ||K_t - K_0||_F / ||K_0||_F with K_t in `pathT` and K_0 in `path0`. */
export function npyRelativeDrift(pathT: string, path0: string): number {
  const { distance, normB } = npyFrobeniusDistance(pathT, path0);
  return distance / normB;
}
