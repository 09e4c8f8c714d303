// A zip archive stored without compression, as a pure byte codec: the container of .npz files and of folder exports
// a client takes away as one file. Layout per PKWARE APPNOTE 6.3: local headers, data, central directory, end record;
// CRC-32 (IEEE 802.3). No Zip64, so an archive stays under 4 GiB and 65535 members (checked).
import { CodedError } from '../../contract/result';

export interface ZipEntry {
  /** The member's path inside the archive, '/' separated. */
  readonly name: string;
  readonly data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// 1980-01-01 00:00 in MS-DOS date/time: members carry no clock time, so the same arrays give the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const LIMIT = 0xffffffff;

/** Bytes of a zip holding each entry as given; `what` names the archive in errors ('an .npz'). Cost: one copy of the data. */
export function encodeZip(entries: readonly ZipEntry[], what = 'a zip archive'): Uint8Array {
  if (entries.length > 0xffff) throw new CodedError('data/invalid', `${what} holds at most 65535 members, got ${entries.length}`);
  const seen = new Set<string>();
  const encoder = new TextEncoder();
  const files = entries.map((e) => {
    if (!e.name || seen.has(e.name)) throw new CodedError('data/invalid', `${what}'s member names must be unique and non-empty, got '${e.name}'`);
    seen.add(e.name);
    return { name: encoder.encode(e.name), data: e.data, crc: crc32(e.data) };
  });
  const localSize = files.reduce((s, f) => s + 30 + f.name.length + f.data.length, 0);
  const centralSize = files.reduce((s, f) => s + 46 + f.name.length, 0);
  const total = localSize + centralSize + 22;
  if (localSize > LIMIT || total > LIMIT) throw new CodedError('data/invalid', `${what} without Zip64 stays under 4 GiB; these members need ${total} bytes`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const f of files) {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 6, 0, true); // flags
    view.setUint16(at + 8, 0, true); // method: stored
    view.setUint16(at + 10, DOS_TIME, true);
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, f.crc, true);
    view.setUint32(at + 18, f.data.length, true);
    view.setUint32(at + 22, f.data.length, true);
    view.setUint16(at + 26, f.name.length, true);
    view.setUint16(at + 28, 0, true);
    out.set(f.name, at + 30);
    out.set(f.data, at + 30 + f.name.length);
    at += 30 + f.name.length + f.data.length;
  }
  const centralStart = at;
  files.forEach((f, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true); // made by: 2.0
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 8, 0, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, DOS_TIME, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, f.crc, true);
    view.setUint32(at + 20, f.data.length, true);
    view.setUint32(at + 24, f.data.length, true);
    view.setUint16(at + 28, f.name.length, true);
    // extra, comment, disk, internal and external attributes stay 0
    view.setUint32(at + 42, offsets[i], true);
    out.set(f.name, at + 46);
    at += 46 + f.name.length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, files.length, true);
  view.setUint16(at + 10, files.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}
