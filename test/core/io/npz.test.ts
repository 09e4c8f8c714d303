// .npz bytes read back through an independent zip and .npy reader (test/helpers/npy-reader.ts): every member, shape
// and float64 bit pattern, CRCs included; same arrays give the same bytes; bad member lists get coded errors.
import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { encodeNpz } from '../../../src-main/core/io/npz';
import { crc32 } from '../../../src-main/core/io/zip';
import { float32s, float64s, readNpy, readZip } from '../../helpers/npy-reader';

describe('encodeNpz', () => {
  const a = Float64Array.from([0, -0, 1 / 3, Math.PI, -1e-300, 1e300, NaN, Infinity, -Infinity, 2 ** -1074]);
  const b = Float32Array.from([1.5, -2.25, 3e-38]);

  it('round-trips members byte-exactly through an independent reader', () => {
    const bytes = encodeNpz([
      { name: 'K/step-000000010', array: { shape: [2, 5], dtype: 'float64', data: a } },
      { name: 'w', array: { shape: [3], dtype: 'float32', data: b } },
    ]);
    const members = readZip(bytes);
    expect([...members.keys()]).toEqual(['K/step-000000010.npy', 'w.npy']);
    const k = readNpy(members.get('K/step-000000010.npy') as Uint8Array);
    expect(k.shape).toEqual([2, 5]);
    const back = float64s(k);
    expect(Buffer.from(back.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(Array.from(float32s(readNpy(members.get('w.npy') as Uint8Array)))).toEqual(Array.from(b));
    expect(encodeNpz([{ name: 'w', array: { shape: [3], dtype: 'float32', data: b } }])).toEqual(encodeNpz([{ name: 'w', array: { shape: [3], dtype: 'float32', data: b } }]));
  });

  it('computes the IEEE CRC-32 (as zlib)', () => {
    const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32(data)).toBe(zlibCrc32(data) >>> 0);
  });

  it('rejects duplicate and empty names with a coded error', () => {
    const m = { name: 'x', array: { shape: [1], dtype: 'float64' as const, data: [1] } };
    expect(() => encodeNpz([m, m])).toThrow(expect.objectContaining({ code: 'data/invalid' }));
    expect(() => encodeNpz([{ ...m, name: '' }])).toThrow(expect.objectContaining({ code: 'data/invalid' }));
  });
});
