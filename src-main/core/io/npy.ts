// The .npy array format (numpy.lib.format) as a pure byte codec: no files, no Buffer, so it runs in any host.
// Writes version 1.0 exactly as numpy.save does (little-endian, C order, header padded to 64 bytes);
// reads versions 1.0, 2.0 and 3.0. Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { CodedError } from '../../contract/result';

export type NpyDtype = 'float64' | 'float32' | 'int32' | 'int64' | 'uint8' | 'bool';

/**
 * A dense C-order array. The storage per dtype: float64 and int64 -> Float64Array (int64 values are checked to be
 * safe integers, |v| <= 2^53 - 1), float32 -> Float32Array, int32 -> Int32Array, uint8 and bool -> Uint8Array (bool as 0/1).
 */
export interface NdArray {
  shape: number[];
  dtype: NpyDtype;
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

/** What encodeNpy accepts: any numeric storage, checked against the dtype's range. */
export interface NdArrayInput {
  shape: readonly number[];
  dtype: NpyDtype;
  data: ArrayLike<number>;
}

interface DtypeInfo {
  descr: string;
  itemSize: number;
}

const dtypeInfo: Record<NpyDtype, DtypeInfo> = {
  float64: { descr: '<f8', itemSize: 8 },
  float32: { descr: '<f4', itemSize: 4 },
  int32: { descr: '<i4', itemSize: 4 },
  int64: { descr: '<i8', itemSize: 8 },
  uint8: { descr: '|u1', itemSize: 1 },
  bool: { descr: '|b1', itemSize: 1 },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
// numpy leaves room for the leading axis to grow to this many digits so files can be appended to in place.
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * The header of a .npy file for `shape` and `dtype` (magic, version, padded dict), as numpy.save writes it; the C-order
 * little-endian values follow it. A file written in pieces (a kernel streamed in blocks) starts with these bytes.
 */
export function encodeNpyHeader(shape: readonly number[], dtype: NpyDtype): Uint8Array {
  const info = dtypeInfo[dtype];
  if (!info) throw new CodedError('data/invalid', `cannot write dtype ${String(dtype)} to .npy`);
  checkShape(shape);
  let header = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const headerBytes = new TextEncoder().encode(header);
  // Like numpy: version 1.0 unless the padded header overflows its uint16 length field.
  const paddedLength = (prefix: number): number => headerBytes.length + 1 + ALIGN - ((prefix + headerBytes.length + 1) % ALIGN);
  const major = paddedLength(10) > 0xffff ? 2 : 1;
  const prefixLength = major === 1 ? 10 : 12;
  const headerLength = paddedLength(prefixLength);
  const out = new Uint8Array(prefixLength + headerLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(headerBytes, prefixLength);
  out.fill(0x20, prefixLength + headerBytes.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

/** Bytes per value of a dtype in .npy. */
export function npyItemSize(dtype: NpyDtype): number {
  return dtypeInfo[dtype].itemSize;
}

/** Bytes of a .npy file (version 1.0, or 2.0 if the header would not fit a uint16) for the array; byte-identical to numpy.save. */
export function encodeNpy(array: NdArrayInput): Uint8Array {
  const info = dtypeInfo[array.dtype];
  if (!info) throw new CodedError('data/invalid', `cannot write dtype ${String(array.dtype)} to .npy`);
  const count = checkShape(array.shape);
  if (array.data.length !== count)
    throw new CodedError('data/shape-mismatch', `shape (${array.shape.join(', ')}) holds ${count} values but data has ${array.data.length}`);
  const header = encodeNpyHeader(array.shape, array.dtype);
  const out = new Uint8Array(header.length + count * info.itemSize);
  out.set(header, 0);
  writeValues(new DataView(out.buffer), header.length, array.dtype, array.data);
  return out;
}

/** What a .npy header says: the values' dtype and shape and the byte offset where they start. */
export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly shape: number[];
  readonly dataOffset: number;
}

/** Parses the header at the start of `bytes` (the first 64 KiB of a file suffice for any array we write); throws `data/invalid`. */
export function decodeNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new CodedError('data/invalid', 'not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new CodedError('data/invalid', '.npy file is truncated inside its header');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw new CodedError('data/invalid', `unsupported .npy version ${major}.${bytes[7]} (1.0, 2.0 and 3.0 are read)`);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) throw new CodedError('data/invalid', '.npy file is truncated inside its header');
  // v1/v2 headers are latin1 by spec; v3 is utf8. The keys and values we accept are ASCII either way.
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataOffset));
  return { ...parseHeader(headerText), dataOffset };
}

/** Parses a .npy file (v1.0/2.0/3.0, little-endian, C order, the six dtypes of NdArray); throws `data/invalid` otherwise. */
export function decodeNpy(input: Uint8Array | ArrayBuffer): NdArray {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { dtype, shape, dataOffset } = decodeNpyHeader(bytes);
  const info = dtypeInfo[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * info.itemSize;
  const actual = bytes.length - dataOffset;
  if (actual !== expected)
    throw new CodedError('data/invalid', `.npy data holds ${actual} bytes but shape (${shape.join(', ')}) of ${dtype} needs ${expected}`);
  return { shape, dtype, data: readValues(bytes, dataOffset, dtype, count) };
}

function checkShape(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new CodedError('data/invalid', `bad dimension ${dim} in shape (${shape.join(', ')})`);
    count *= dim;
  }
  if (!Number.isSafeInteger(count)) throw new CodedError('data/invalid', `shape (${shape.join(', ')}) is too large`);
  return count;
}

function pythonTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeValues(view: DataView, offset: number, dtype: NpyDtype, data: ArrayLike<number>): void {
  const n = data.length;
  const bad = (i: number, why: string): CodedError => new CodedError('data/invalid', `value ${i} (${data[i]}) ${why} for dtype ${dtype}`);
  switch (dtype) {
    case 'float64':
      for (let i = 0; i < n; i++) view.setFloat64(offset + 8 * i, data[i], true);
      return;
    case 'float32':
      for (let i = 0; i < n; i++) view.setFloat32(offset + 4 * i, data[i], true);
      return;
    case 'int32':
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw bad(i, 'is not a 32-bit integer');
        view.setInt32(offset + 4 * i, v, true);
      }
      return;
    case 'int64':
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (!Number.isSafeInteger(v)) throw bad(i, 'is not a safe integer');
        view.setBigInt64(offset + 8 * i, BigInt(v), true);
      }
      return;
    case 'uint8':
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (!Number.isInteger(v) || v < 0 || v > 255) throw bad(i, 'is not in 0..255');
        view.setUint8(offset + i, v);
      }
      return;
    case 'bool':
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (v !== 0 && v !== 1) throw bad(i, 'is not 0 or 1');
        view.setUint8(offset + i, v);
      }
      return;
  }
}

function readValues(bytes: Uint8Array, offset: number, dtype: NpyDtype, count: number): NdArray['data'] {
  const info = dtypeInfo[dtype];
  // Copy into a fresh, aligned buffer so the typed views below are legal whatever the input's byteOffset
  // (a Node Buffer's slice() would share, and misalign, its pooled memory).
  const raw = new Uint8Array(count * info.itemSize);
  raw.set(bytes.subarray(offset, offset + raw.length));
  const view = new DataView(raw.buffer);
  switch (dtype) {
    case 'float64': {
      if (littleEndianHost) return new Float64Array(raw.buffer);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'float32': {
      if (littleEndianHost) return new Float32Array(raw.buffer);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'int32': {
      if (littleEndianHost) return new Int32Array(raw.buffer);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'int64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
          throw new CodedError('data/invalid', `int64 value ${i} (${v}) does not fit a float64 exactly (|v| > 2^53 - 1)`);
        out[i] = Number(v);
      }
      return out;
    }
    case 'uint8':
      return raw;
    case 'bool':
      for (let i = 0; i < count; i++) {
        if (raw[i] > 1) throw new CodedError('data/invalid', `bool value ${i} is stored as byte ${raw[i]}, not 0 or 1`);
      }
      return raw;
  }
}

const descrToDtype: Record<string, NpyDtype> = {
  '<f8': 'float64',
  '<f4': 'float32',
  '<i4': 'int32',
  '<i8': 'int64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '|b1': 'bool',
  '<b1': 'bool',
};

function parseHeader(text: string): { dtype: NpyDtype; shape: number[] } {
  let literal: PyValue;
  try {
    literal = new PyLiteralParser(text).parseTop();
  } catch (e) {
    throw new CodedError('data/invalid', `cannot parse .npy header ${JSON.stringify(text.trim())}: ${(e as Error).message}`);
  }
  if (!(literal instanceof Map)) throw new CodedError('data/invalid', `.npy header is not a dictionary: ${JSON.stringify(text.trim())}`);
  const descr = literal.get('descr');
  const fortran = literal.get('fortran_order');
  const shape = literal.get('shape');
  if (typeof descr !== 'string') throw new CodedError('data/invalid', 'structured or missing descr in .npy header: only plain numeric arrays are read');
  if (fortran === true) throw new CodedError('data/invalid', '.npy array is in Fortran order; save it in C order (numpy.ascontiguousarray) and try again');
  if (fortran !== false) throw new CodedError('data/invalid', '.npy header lacks a valid fortran_order');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
    throw new CodedError('data/invalid', '.npy header lacks a valid shape');
  const dtype = descrToDtype[descr];
  if (dtype === undefined) {
    if (descr.startsWith('>'))
      throw new CodedError('data/invalid', `.npy array is big-endian (${descr}); convert it with arr.astype(arr.dtype.newbyteorder('<'))`);
    throw new CodedError('data/invalid', `unsupported .npy dtype ${descr}; supported: ${Object.values(dtypeInfo).map((d) => d.descr).join(', ')}`);
  }
  return { dtype, shape: shape as number[] };
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/** The subset of Python literal syntax that numpy headers use: dict, tuple, list, str, int (with Python 2's L), bool, None. */
class PyLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseTop(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`unexpected ${JSON.stringify(this.text[this.pos])} at ${this.pos}`);
    return value;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')');
    if (c === '[') return this.sequence(']');
    if (c === "'" || c === '"') return this.string();
    const word = /^[A-Za-z_]\w*|^[+-]?\d+L?/.exec(this.text.slice(this.pos));
    if (!word) throw new Error(`unexpected ${JSON.stringify(c ?? 'end of header')} at ${this.pos}`);
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    if (/^[+-]?\d+L?$/.test(word[0])) return Number(word[0].replace('L', ''));
    throw new Error(`unknown name ${word[0]}`);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) throw new Error(`expected ${c} at ${this.pos}`);
    this.pos++;
  }

  private dict(): Map<string, PyValue> {
    this.expect('{');
    const out = new Map<string, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      const key = this.value();
      if (typeof key !== 'string') throw new Error('dictionary key is not a string');
      this.expect(':');
      out.set(key, this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw new Error(`expected , or } at ${this.pos}`);
    }
    this.pos++;
    return out;
  }

  private sequence(close: string): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) throw new Error(`expected , or ${close} at ${this.pos}`);
    }
    this.pos++;
    return out;
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (this.text[this.pos] === '\\') this.pos++;
      out += this.text[this.pos++];
    }
    if (this.pos >= this.text.length) throw new Error('unterminated string');
    this.pos++;
    return out;
  }
}
