// Relative Frobenius drift ||K_t - K_0||_F / ||K_0||_F of two kernels on disk (.npy, same shape), read side by side
// in row blocks of about 32 MiB each, so neither kernel is ever held whole. The sums run in float64 in row-major
// order, the order of core/linalg/norms.ts `frobenius` over the whole arrays, so float64 files give its result exactly.
import { closeSync, openSync, readSync } from 'node:fs';
import { CodedError } from '../../contract/result';
import type { NpyHeader } from '../../core/io/npy';
import { readNpyFileHeader } from './npy-block-file';

const ROW_BLOCK_BYTES = 32 << 20;

interface OpenMatrix {
  readonly fd: number;
  readonly header: NpyHeader;
  readonly item: number;
}

function openMatrix(path: string): OpenMatrix {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CodedError('data/not-found', `cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const header = readNpyFileHeader(fd, path);
    if (header.shape.length !== 2 || (header.dtype !== 'float64' && header.dtype !== 'float32'))
      throw new CodedError('data/invalid', `${path}: a drift needs a float64 or float32 matrix, not ${header.dtype} (${header.shape.join(', ')})`);
    return { fd, header, item: header.dtype === 'float64' ? 8 : 4 };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function readRows(m: OpenMatrix, raw: Uint8Array, r0: number, rows: number): Float64Array | Float32Array {
  const cols = m.header.shape[1];
  const bytes = rows * cols * m.item;
  let got = 0;
  while (got < bytes) {
    const n = readSync(m.fd, raw, got, bytes - got, m.header.dataOffset + r0 * cols * m.item + got);
    if (n === 0) throw new CodedError('data/invalid', `the file ends before row ${r0 + rows}`);
    got += n;
  }
  return m.item === 8 ? new Float64Array(raw.buffer, 0, rows * cols) : new Float32Array(raw.buffer, 0, rows * cols);
}

/** ||A - B||_F and ||B||_F of the matrices in two .npy files, reading one row block of each at a time. */
export function npyFrobeniusDistance(pathA: string, pathB: string): { distance: number; normB: number } {
  const a = openMatrix(pathA);
  try {
    const b = openMatrix(pathB);
    try {
      const [rowsA, cols] = a.header.shape;
      if (rowsA !== b.header.shape[0] || cols !== b.header.shape[1])
        throw new CodedError('data/shape-mismatch', `${pathA} is ${a.header.shape.join(' x ')} but ${pathB} is ${b.header.shape.join(' x ')}`);
      const rowsPerRead = Math.max(1, Math.min(rowsA, Math.floor(ROW_BLOCK_BYTES / (cols * 8))));
      const rawA = new Uint8Array(rowsPerRead * cols * a.item);
      const rawB = new Uint8Array(rowsPerRead * cols * b.item);
      let diff = 0;
      let norm = 0;
      for (let r0 = 0; r0 < rowsA; r0 += rowsPerRead) {
        const rows = Math.min(rowsPerRead, rowsA - r0);
        const blockA = readRows(a, rawA, r0, rows);
        const blockB = readRows(b, rawB, r0, rows);
        for (let i = 0; i < blockA.length; i++) {
          const d = blockA[i] - blockB[i];
          diff += d * d;
          norm += blockB[i] * blockB[i];
        }
      }
      return { distance: Math.sqrt(diff), normB: Math.sqrt(norm) };
    } finally {
      closeSync(b.fd);
    }
  } finally {
    closeSync(a.fd);
  }
}

/** ||K_t - K_0||_F / ||K_0||_F with K_t in `pathT` and K_0 in `path0`. */
export function npyRelativeDrift(pathT: string, path0: string): number {
  const { distance, normB } = npyFrobeniusDistance(pathT, path0);
  return distance / normB;
}
