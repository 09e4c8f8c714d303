// A reader for .npy and .npz written from the format specs, independently of src-main/core/io (different code,
// node:zlib's CRC-32): the export tests read the writer's bytes back through it.
import { crc32 } from 'node:zlib';

export interface ReadArray {
  readonly descr: string;
  readonly shape: number[];
  /** The data section as raw bytes. */
  readonly raw: Uint8Array;
}

/** Parses `\x93NUMPY` v1/v2/v3: magic, version, little-endian header length, a Python dict literal, then the data. */
export function readNpy(bytes: Uint8Array): ReadArray {
  const magic = [0x93, ...Buffer.from('NUMPY')];
  magic.forEach((b, i) => {
    if (bytes[i] !== b) throw new Error('not an .npy file');
  });
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(start, start + headerLength)).toString('latin1');
  if ((start + headerLength) % 64 !== 0) throw new Error('data not 64-byte aligned');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const order = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || order !== 'False' || shapeText === undefined) throw new Error(`unexpected header ${header}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, shape, raw: bytes.subarray(start + headerLength) };
}

/** Float64 values of a '<f8' array (copied, so alignment does not matter). */
export function float64s(array: ReadArray): Float64Array {
  if (array.descr !== '<f8') throw new Error(`expected <f8, got ${array.descr}`);
  return new Float64Array(Uint8Array.from(array.raw).buffer);
}

export function float32s(array: ReadArray): Float32Array {
  if (array.descr !== '<f4') throw new Error(`expected <f4, got ${array.descr}`);
  return new Float32Array(Uint8Array.from(array.raw).buffer);
}

/** Members of a stored (method 0) zip, found through the end record and central directory, CRCs checked. */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    if (method !== 0) throw new Error(`member ${name} is compressed`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(dataStart, dataStart + size);
    if (crc32(data) >>> 0 !== crc) throw new Error(`CRC mismatch in ${name}`);
    out.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return out;
}
