// A 2-D float64 or float32 .npy on disk read in row blocks (the drift and the spectrum of kernels too large to hold):
// the one place that opens such a file with coded errors, checks its header and reads whole rows, failing clearly
// on a file shorter than its header says.
import { closeSync, openSync, readSync } from 'node:fs';
import { CodedError } from '../../contract/result';
import type { NpyHeader } from '../../core/io/npy';
import { readNpyFileHeader } from './npy-block-file';

export interface NpyMatrixReader {
  readonly path: string;
  readonly header: NpyHeader;
  readonly rows: number;
  readonly cols: number;
  /** Bytes per value: 8 (float64) or 4 (float32). */
  readonly item: number;
  /** Rows [r0, r0 + count) read into `raw` (at least count cols item bytes), viewed in the file's dtype. */
  readRows(raw: Uint8Array, r0: number, count: number): Float64Array | Float32Array;
  close(): void;
}

/** Opens the matrix at `path`; `purpose` ("a drift", "a spectrum") names what needs it in the errors. */
export function openNpyMatrix(path: string, purpose: string): NpyMatrixReader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CodedError('data/not-found', `cannot open ${path}: ${(error as Error).message}`);
  }
  let header: NpyHeader;
  try {
    header = readNpyFileHeader(fd, path);
    if (header.shape.length !== 2 || (header.dtype !== 'float64' && header.dtype !== 'float32'))
      throw new CodedError('data/invalid', `${path}: ${purpose} needs a float64 or float32 matrix, not ${header.dtype} (${header.shape.join(', ')})`);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const [rows, cols] = header.shape;
  const item = header.dtype === 'float64' ? 8 : 4;
  return {
    path,
    header,
    rows,
    cols,
    item,
    readRows(raw, r0, count) {
      const bytes = count * cols * item;
      let got = 0;
      while (got < bytes) {
        const n = readSync(fd, raw, got, bytes - got, header.dataOffset + r0 * cols * item + got);
        if (n === 0) throw new CodedError('data/invalid', `${path} ends before row ${r0 + count}`);
        got += n;
      }
      return item === 8 ? new Float64Array(raw.buffer, 0, count * cols) : new Float32Array(raw.buffer, 0, count * cols);
    },
    close: () => closeSync(fd),
  };
}
