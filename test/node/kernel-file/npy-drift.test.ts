// The relative kernel drift read from two .npy files in row blocks equals the dense Frobenius computation over the
// whole arrays (exactly for float64 files: the same sums in the same order), float32 files included, and bad pairs
// (shapes that differ, a missing file, a file cut short, an integer or 1-D array, a non-square spectrum) are refused
// with their codes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../../src-main/core/io/npy';
import { frobenius } from '../../../src-main/core/linalg/norms';
import { npyFrobeniusDistance, npyRelativeDrift } from '../../../src-main/node/kernel-file/npy-drift';
import { npyKernelSpectrum } from '../../../src-main/node/kernel-file/npy-spectrum';

const n = 301;
const k0 = Float64Array.from({ length: n * n }, (_, i) => Math.cos(0.37 * i) + (i % (n + 1) === 0 ? 5 : 0));
const kt = k0.map((v, i) => v + 0.01 * Math.sin(1.3 * i));

async function npy(values: Float64Array | Float32Array, shape: number[], name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'npy-drift-'));
  const path = join(dir, name);
  await writeFile(path, encodeNpy({ data: values, shape, dtype: values instanceof Float64Array ? 'float64' : 'float32' }));
  return path;
}

describe('npy drift', () => {
  it('equals the dense relative Frobenius drift', async () => {
    const drift = npyRelativeDrift(await npy(kt, [n, n], 'kt.npy'), await npy(k0, [n, n], 'k0.npy'));
    expect(drift).toBe(frobenius(kt, k0) / frobenius(k0));
    expect(drift).toBeGreaterThan(0);
    const f32t = Float32Array.from(kt);
    const f32o = Float32Array.from(k0);
    const single = npyFrobeniusDistance(await npy(f32t, [n, n], 'a.npy'), await npy(f32o, [n, n], 'b.npy'));
    expect(single.distance).toBe(frobenius(f32t, f32o));
    expect(single.normB).toBe(frobenius(f32o));
  });

  it('refuses kernels of different shapes and missing files', async () => {
    const other = await npy(new Float64Array(4), [2, 2], 'small.npy');
    expect(() => npyRelativeDrift(other, join(tmpdir(), 'absent-kernel.npy'))).toThrow(expect.objectContaining({ code: 'data/not-found' }));
    const big = await npy(k0, [n, n], 'k0.npy');
    expect(() => npyRelativeDrift(other, big)).toThrow(expect.objectContaining({ code: 'data/shape-mismatch', message: expect.stringContaining('2 x 2') }));
  });

  it('refuses a file shorter than its header, a matrix of integers or of one axis, and a non-square spectrum', async () => {
    const full = encodeNpy({ data: k0, shape: [n, n], dtype: 'float64' });
    const dir = await mkdtemp(join(tmpdir(), 'npy-drift-'));
    const cut = join(dir, 'cut.npy');
    await writeFile(cut, full.subarray(0, full.length - 8 * n * 3));
    const k0File = await npy(k0, [n, n], 'k0.npy');
    expect(() => npyRelativeDrift(cut, k0File)).toThrow(expect.objectContaining({ code: 'data/invalid', message: expect.stringContaining('ends before row') }));
    const ints = join(dir, 'ints.npy');
    await writeFile(ints, encodeNpy({ data: [1, 2, 3, 4], shape: [2, 2], dtype: 'int32' }));
    expect(() => npyRelativeDrift(ints, k0File)).toThrow(expect.objectContaining({ code: 'data/invalid', message: expect.stringContaining('a drift needs a float64 or float32 matrix, not int32') }));
    const vector = await npy(new Float64Array(4), [4], 'v.npy');
    expect(() => npyRelativeDrift(vector, k0File)).toThrow(expect.objectContaining({ code: 'data/invalid' }));
    const wide = await npy(new Float64Array(6), [2, 3], 'wide.npy');
    await expect(npyKernelSpectrum(wide, 1)).rejects.toMatchObject({ code: 'data/invalid', message: expect.stringContaining('square') });
    await expect(npyKernelSpectrum(join(dir, 'absent.npy'), 1)).rejects.toMatchObject({ code: 'data/not-found' });
  });
});
