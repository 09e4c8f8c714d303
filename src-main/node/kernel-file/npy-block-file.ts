// A square .npy on disk filled block by block: the header for the final shape is written first (core/io/npy.ts, the one
// npy encoder), the file is sized to hold every value (sparse until written), and each finished block lands at its
// place, and at its mirror's, with positional writes. numpy can np.load(path, mmap_mode='r') it at any time; what
// has been written is recorded beside it (kernel-sidecar.ts), not in the file.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { CodedError } from '../../contract/result';
import { decodeNpyHeader, encodeNpyHeader, npyItemSize, type NpyHeader } from '../../core/io/npy';

export type KernelFileDtype = 'float64' | 'float32';

export interface NpyBlockFile {
  readonly path: string;
  readonly size: number;
  readonly dtype: KernelFileDtype;
  /**
   * Writes values [rows, cols] (row-major float64, converted to the file's dtype) at rows [r0, r0 + rows) and columns
   * [c0, c0 + cols), and, with `mirror`, their transpose at [c0, ..) x [r0, ..).
   */
  writeBlock(r0: number, c0: number, rows: number, cols: number, values: Float64Array, mirror: boolean): void;
  /** Flushes the written blocks to the disk (before the sidecar names them done). */
  sync(): void;
  close(): void;
}

const HEADER_PROBE_BYTES = 1 << 16;

/** The header of an existing .npy file, read from its first bytes. */
export function readNpyFileHeader(fd: number, path: string): NpyHeader {
  const head = new Uint8Array(HEADER_PROBE_BYTES);
  const got = readSync(fd, head, 0, head.length, 0);
  try {
    return decodeNpyHeader(head.subarray(0, got));
  } catch (error) {
    throw new CodedError('data/invalid', `${path}: ${(error as Error).message}`);
  }
}

function encodeValues(values: Float64Array, dtype: KernelFileDtype): Uint8Array {
  const typed = dtype === 'float64' ? values : Float32Array.from(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function transposed(values: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

/**
 * Opens `path` for an n x n array of `dtype`: 'create' writes the header and sizes the file (an existing file is
 * replaced); 'resume' reopens a file this writer made and throws ntk/resume-mismatch unless its header says the same.
 */
export function openNpyBlockFile(path: string, size: number, dtype: KernelFileDtype, mode: 'create' | 'resume'): NpyBlockFile {
  const item = npyItemSize(dtype);
  let fd: number;
  let dataOffset: number;
  try {
    fd = openSync(path, mode === 'create' ? 'w+' : 'r+');
  } catch (error) {
    throw new CodedError(mode === 'resume' ? 'data/not-found' : 'io/failed', `cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    if (mode === 'create') {
      const header = encodeNpyHeader([size, size], dtype);
      writeSync(fd, header, 0, header.length, 0);
      dataOffset = header.length;
      ftruncateSync(fd, dataOffset + size * size * item);
    } else {
      const header = readNpyFileHeader(fd, path);
      if (header.dtype !== dtype || header.shape.length !== 2 || header.shape[0] !== size || header.shape[1] !== size)
        throw new CodedError('ntk/resume-mismatch', `${path} holds a ${header.dtype} array of shape (${header.shape.join(', ')}), not the ${dtype} ${size} x ${size} kernel being resumed`);
      dataOffset = header.dataOffset;
      if (fstatSync(fd).size !== dataOffset + size * size * item) throw new CodedError('ntk/resume-mismatch', `${path} is not the size its header states`);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const writeRows = (r0: number, c0: number, rows: number, cols: number, values: Float64Array): void => {
    const bytes = encodeValues(values, dtype);
    const rowBytes = cols * item;
    // A block as wide as the file is one contiguous run; otherwise one write per row.
    if (c0 === 0 && cols === size) {
      writeSync(fd, bytes, 0, bytes.length, dataOffset + r0 * size * item);
      return;
    }
    for (let i = 0; i < rows; i++) writeSync(fd, bytes, i * rowBytes, rowBytes, dataOffset + ((r0 + i) * size + c0) * item);
  };
  return {
    path,
    size,
    dtype,
    writeBlock(r0, c0, rows, cols, values, mirror) {
      if (values.length !== rows * cols) throw new Error(`block ${rows} x ${cols} given ${values.length} values`);
      if (r0 < 0 || c0 < 0 || r0 + rows > size || c0 + cols > size) throw new Error(`block at (${r0}, ${c0}) of ${rows} x ${cols} leaves the ${size} x ${size} file`);
      writeRows(r0, c0, rows, cols, values);
      if (mirror) writeRows(c0, r0, cols, rows, transposed(values, rows, cols));
    },
    sync: () => fsyncSync(fd),
    close: () => closeSync(fd),
  };
}
