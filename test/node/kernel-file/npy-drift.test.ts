// The relative kernel drift read from two .npy files in row blocks equals the dense Frobenius computation over the
// whole arrays (exactly for float64 files: the same sums in the same order), float32 files included, and bad pairs
// (shapes that differ, a missing file) are refused with their codes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../../src-main/core/io/npy';
import { frobenius } from '../../../src-main/core/linalg/norms';
import { npyFrobeniusDistance, npyRelativeDrift } from '../../../src-main/node/kernel-file/npy-drift';

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
});
