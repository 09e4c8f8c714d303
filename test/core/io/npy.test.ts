// The .npy codec against bytes laid out as numpy writes them, and (when python3 has numpy) against numpy itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodedError } from '../../../src-main/contract/result';
import { decodeNpy, encodeNpy, type NdArrayInput, type NpyDtype } from '../../../src-main/core/io/npy';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A v1.0/v2.0 preamble + header exactly as numpy.lib.format builds it (including the growth-axis spaces). */
function numpyHeader(dict: string, shape0: number | undefined, major = 1): Uint8Array {
  let header = dict;
  if (shape0 !== undefined) header += ' '.repeat(21 - String(shape0).length);
  const prefix = major === 1 ? 10 : 12;
  const pad = 64 - ((prefix + header.length + 1) % 64);
  const length = header.length + pad + 1;
  const lengthBytes = major === 1 ? String.fromCharCode(length & 0xff, length >> 8) : String.fromCharCode(length & 0xff, (length >> 8) & 0xff, 0, 0);
  return latin1(`\x93NUMPY${String.fromCharCode(major, 0)}${lengthBytes}${header}${' '.repeat(pad)}\n`);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodedError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('encodeNpy', () => {
  it('writes a float64 (2, 3) array byte for byte as numpy.save does', () => {
    const data = Float64Array.of(1, 2, 3, 4, 5, -6.5);
    const header = numpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 2);
    expect(header.length).toBe(128);
    expect(header[8] + 256 * header[9]).toBe(118);
    const expected = concat(header, new Uint8Array(data.buffer));
    expect(encodeNpy({ shape: [2, 3], dtype: 'float64', data })).toEqual(expected);
  });

  it('writes 1-d and 0-d shapes as Python tuples and bools as |b1', () => {
    const oneD = encodeNpy({ shape: [3], dtype: 'int32', data: [1, -2, 3] });
    expect(oneD.subarray(0, 128)).toEqual(numpyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 3));
    const scalar = encodeNpy({ shape: [], dtype: 'bool', data: [1] });
    expect(scalar).toEqual(concat(numpyHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", undefined), Uint8Array.of(1)));
  });

  it('pads the header so data starts on a 64-byte boundary, for any shape', () => {
    for (const shape of [[], [0], [7], [1, 2, 3, 4, 5, 6, 7, 8], [123456789, 0, 1]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeNpy({ shape, dtype: 'uint8', data: new Uint8Array(count) });
      const headerLength = bytes[8] + 256 * bytes[9];
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a);
      expect(bytes.length).toBe(10 + headerLength + count);
    }
  });

  it('rejects data that does not fit the dtype or shape', () => {
    expect(codeOf(() => encodeNpy({ shape: [2], dtype: 'float64', data: [1, 2, 3] }))).toMatch(/^data\/shape-mismatch/);
    expect(codeOf(() => encodeNpy({ shape: [1], dtype: 'int32', data: [0.5] }))).toMatch(/^data\/invalid/);
    expect(codeOf(() => encodeNpy({ shape: [1], dtype: 'int64', data: [2 ** 60] }))).toMatch(/^data\/invalid/);
    expect(codeOf(() => encodeNpy({ shape: [1], dtype: 'uint8', data: [256] }))).toMatch(/^data\/invalid/);
    expect(codeOf(() => encodeNpy({ shape: [1], dtype: 'bool', data: [2] }))).toMatch(/^data\/invalid/);
    expect(codeOf(() => encodeNpy({ shape: [-1], dtype: 'bool', data: [] }))).toMatch(/^data\/invalid/);
  });
});

describe('decodeNpy', () => {
  const cases: NdArrayInput[] = [
    { shape: [2, 3], dtype: 'float64', data: [0.1, -2, 3e300, Number.MIN_VALUE, -0, 6] },
    { shape: [4], dtype: 'float32', data: Float32Array.of(0.5, -1.25, 3, 1e30) },
    { shape: [2, 2], dtype: 'int32', data: [-(2 ** 31), 2 ** 31 - 1, 0, 7] },
    { shape: [3], dtype: 'int64', data: [-(2 ** 53 - 1), 2 ** 53 - 1, -5] },
    { shape: [1, 3, 1], dtype: 'uint8', data: [0, 128, 255] },
    { shape: [2], dtype: 'bool', data: [1, 0] },
    { shape: [0, 5], dtype: 'float64', data: [] },
  ];
  it.each(cases)('round-trips $dtype $shape', (array) => {
    const decoded = decodeNpy(encodeNpy(array));
    expect(decoded.dtype).toBe(array.dtype);
    expect(decoded.shape).toEqual(array.shape);
    expect(Array.from(decoded.data)).toEqual(Array.from(array.data));
    const storage = { float64: Float64Array, float32: Float32Array, int32: Int32Array, int64: Float64Array, uint8: Uint8Array, bool: Uint8Array };
    expect(decoded.data).toBeInstanceOf(storage[array.dtype]);
  });

  it('reads from an unaligned view inside a larger buffer (e.g. a Node Buffer slice)', () => {
    const file = encodeNpy({ shape: [3], dtype: 'float64', data: [1.5, 2.5, 3.5] });
    const host = new Uint8Array(file.length + 5);
    host.set(file, 3);
    expect(Array.from(decodeNpy(host.subarray(3, 3 + file.length)).data)).toEqual([1.5, 2.5, 3.5]);
    expect(Array.from(decodeNpy(file.buffer as ArrayBuffer).data)).toEqual([1.5, 2.5, 3.5]);
  });

  it('reads version 2.0 and 3.0 headers', () => {
    const payload = new Uint8Array(Int32Array.of(4, -5).buffer);
    const v2 = concat(numpyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 2, 2), payload);
    expect(Array.from(decodeNpy(v2).data)).toEqual([4, -5]);
    const v3 = v2.slice();
    v3[6] = 3;
    expect(decodeNpy(v3).shape).toEqual([2]);
  });

  it('accepts other writers\' spellings: key order, double quotes, Python 2 long ints', () => {
    const header = numpyHeader('{"shape": (2L, 1L), "fortran_order": False, "descr": "<f4"}', undefined);
    const array = decodeNpy(concat(header, new Uint8Array(Float32Array.of(1, 2).buffer)));
    expect(array).toMatchObject({ shape: [2, 1], dtype: 'float32' });
  });

  it('gives data/invalid for big-endian, Fortran order, unknown dtypes and damaged files', () => {
    const withHeader = (dict: string, payload = new Uint8Array(16)): Uint8Array => concat(numpyHeader(dict, 2), payload);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }")))).toMatch(/^data\/invalid: .*big-endian/);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }")))).toMatch(/^data\/invalid: .*Fortran order/);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }")))).toMatch(/^data\/invalid: .*unsupported .npy dtype <c8/);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }")))).toMatch(/^data\/invalid: .*structured/);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }")))).toMatch(/^data\/invalid: .*needs 24/);
    expect(codeOf(() => decodeNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), ")))).toMatch(/^data\/invalid: cannot parse/);
    expect(codeOf(() => decodeNpy(latin1('PK\x03\x04 this is a zip')))).toMatch(/^data\/invalid: not a .npy/);
    const file = encodeNpy({ shape: [2], dtype: 'float64', data: [1, 2] });
    expect(codeOf(() => decodeNpy(file.subarray(0, 40)))).toMatch(/^data\/invalid: .*truncated/);
    const future = file.slice();
    future[6] = 4;
    expect(codeOf(() => decodeNpy(future))).toMatch(/^data\/invalid: unsupported .npy version 4.0/);
  });

  it('refuses int64 values beyond 2^53 and bools stored as other bytes', () => {
    const big = new Uint8Array(BigInt64Array.of(2n ** 53n + 1n).buffer);
    expect(codeOf(() => decodeNpy(concat(numpyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", 1), big)))).toMatch(
      /^data\/invalid: int64 value 0/,
    );
    expect(codeOf(() => decodeNpy(concat(numpyHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", 1), Uint8Array.of(7))))).toMatch(
      /^data\/invalid: bool value 0/,
    );
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('npy.test: python3 with numpy not found; skipping the numpy round-trip test');

describe.skipIf(!hasNumpy)('numpy interop (skipped when python3 cannot import numpy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('numpy reads our files, and we read what numpy writes, byte-identical where numpy writes 1.0', () => {
    const arrays: Record<string, NdArrayInput> = {
      f8: { shape: [2, 3], dtype: 'float64', data: [0.1, -2, 3e300, 5e-324, 1 / 3, 6] },
      f4: { shape: [3], dtype: 'float32', data: Float32Array.of(0.1, -1.25, 3) },
      i4: { shape: [2, 1, 2], dtype: 'int32', data: [-(2 ** 31), 2 ** 31 - 1, 0, 7] },
      i8: { shape: [2], dtype: 'int64', data: [-(2 ** 53 - 1), 12345678901234] },
      u1: { shape: [1, 3], dtype: 'uint8', data: [0, 128, 255] },
      b1: { shape: [], dtype: 'bool', data: [1] },
      big: { shape: [1000, 2], dtype: 'float64', data: Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i)) },
    };
    for (const [name, array] of Object.entries(arrays)) writeFileSync(join(dir, `ours-${name}.npy`), encodeNpy(array));
    const script = String.raw`
import sys, json, numpy as np
d = sys.argv[1]
expect = json.loads(sys.argv[2])
for name, (dtype, shape) in expect.items():
    a = np.load(f"{d}/ours-{name}.npy")
    assert a.dtype == np.dtype(dtype), (name, a.dtype)
    assert a.shape == tuple(shape), (name, a.shape)
    np.save(f"{d}/numpy-{name}.npy", a)
    with open(f"{d}/v2-{name}.npy", "wb") as f:
        np.lib.format.write_array(f, a, version=(2, 0))
np.save(f"{d}/fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save(f"{d}/bigendian.npy", np.arange(3, dtype=">f8"))
`;
    const expectations = { f8: ['<f8', [2, 3]], f4: ['<f4', [3]], i4: ['<i4', [2, 1, 2]], i8: ['<i8', [2]], u1: ['|u1', [1, 3]], b1: ['|b1', []], big: ['<f8', [1000, 2]] };
    const result = spawnSync('python3', ['-c', script, dir, JSON.stringify(expectations)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const [name, array] of Object.entries(arrays)) {
      const ours = readFileSync(join(dir, `ours-${name}.npy`));
      const theirs = readFileSync(join(dir, `numpy-${name}.npy`));
      expect(new Uint8Array(theirs), name).toEqual(new Uint8Array(ours));
      const v2 = decodeNpy(readFileSync(join(dir, `v2-${name}.npy`)));
      expect(v2.shape, name).toEqual(array.shape);
      expect(Array.from(v2.data), name).toEqual(Array.from(array.data));
      expect(v2.dtype as NpyDtype).toBe(array.dtype);
    }
    expect(codeOf(() => decodeNpy(readFileSync(join(dir, 'fortran.npy'))))).toMatch(/^data\/invalid: .*Fortran order/);
    expect(codeOf(() => decodeNpy(readFileSync(join(dir, 'bigendian.npy'))))).toMatch(/^data\/invalid: .*big-endian/);
  });
});
