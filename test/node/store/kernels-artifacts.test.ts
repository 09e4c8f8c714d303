import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../src-main/node/store/blob-chunks';
import { tempDir, tempStore } from './temp-store';
import { createStandInRun } from '../../helpers/stand-in-run';

function newRun() {
  const store = tempStore();
  const project = store.projects.create('p');
  return { store, runId: createStandInRun(store, project.id).id };
}

/** Float64 values that a lossy path (text, float32, NaN canonicalisation of the sign) would change. */
function awkwardValues(n: number): Float64Array {
  const out = new Float64Array(n);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MIN_VALUE, -Number.MAX_VALUE, 1 / 3, Math.PI * 1e-300];
  for (let i = 0; i < n; i++) out[i] = i < specials.length ? specials[i] : Math.sin(i) * 10 ** ((i % 40) - 20);
  return out;
}

const sameBits = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('store kernels', () => {
  it('round-trips float64 kernels bit for bit, across several chunks', () => {
    const { store, runId } = newRun();
    const rows = 900; // 6.5 MB: two chunks
    expect(rows * rows * 8).toBeGreaterThan(CHUNK_BYTES);
    const data = awkwardValues(rows * rows);
    const eigenvalues = Float64Array.from({ length: rows }, (_, i) => i * 1e-3);
    store.kernels.put(runId, { step: 0, kind: 'full', rows, data, eigenvalues });
    const back = store.kernels.get(runId, 0)!;
    expect(back).toMatchObject({ step: 0, kind: 'full', rows, cols: rows, dtype: 'float64', hasData: true });
    expect(sameBits(back.data!, data)).toBe(true);
    expect(sameBits(back.eigenvalues!, eigenvalues)).toBe(true);
    expect(back.sweep).toBeUndefined();
  });

  it('reads a sub-array view correctly (byteOffset) and keeps spectrum-only snapshots', () => {
    const { store, runId } = newRun();
    const backing = Float64Array.from({ length: 10 }, (_, i) => i + 0.5);
    store.kernels.put(runId, { step: 5, kind: 'trace', rows: 2, data: backing.subarray(3, 7), sweep: backing.subarray(1, 4) });
    store.kernels.put(runId, { step: 9, kind: 'trace', rows: 3, eigenvalues: new Float64Array([1, 2, 3]) });
    expect(Array.from(store.kernels.get(runId, 5, 'trace')!.data!)).toEqual([3.5, 4.5, 5.5, 6.5]);
    expect(Array.from(store.kernels.get(runId, 5)!.sweep!)).toEqual([1.5, 2.5, 3.5]);
    const spectrumOnly = store.kernels.get(runId, 9)!;
    expect(spectrumOnly.hasData).toBe(false);
    expect(spectrumOnly.data).toBeUndefined();
    expect(Array.from(spectrumOnly.eigenvalues!)).toEqual([1, 2, 3]);
    expect(store.kernels.get(runId, 7)).toBeUndefined();
  });

  it('lists steps, replaces a snapshot of the same step and kind, and asks which kind when both exist', () => {
    const { store, runId } = newRun();
    for (const step of [10, 0, 5]) store.kernels.put(runId, { step, kind: 'full', rows: 1, data: new Float64Array([step]) });
    store.kernels.put(runId, { step: 5, kind: 'full', rows: 1, data: new Float64Array([55]) });
    store.kernels.put(runId, { step: 5, kind: 'trace', rows: 1, data: new Float64Array([-5]) });
    expect(store.kernels.list(runId, 'full').map((k) => k.step)).toEqual([0, 5, 10]);
    expect(store.kernels.list(runId).map((k) => `${k.step}${k.kind}`)).toEqual(['0full', '5full', '5trace', '10full']);
    expect(store.kernels.get(runId, 5, 'full')!.data![0]).toBe(55);
    expect(() => store.kernels.get(runId, 5)).toThrow(expect.objectContaining({ code: 'data/invalid' }));
    expect(() => store.kernels.put(runId, { step: 1, kind: 'full', rows: 2, data: new Float64Array(3) })).toThrow(
      expect.objectContaining({ code: 'data/shape-mismatch' }),
    );
    expect(store.check()).toEqual(['ok']);
  });
});

describe('store artifacts', () => {
  it('keeps bytes (across chunks) and file references, by name, replacing on put', () => {
    const { store, runId } = newRun();
    const big = new Uint8Array(CHUNK_BYTES * 2 + 3).map((_, i) => (i * 7) % 256);
    store.artifacts.put(runId, { name: 'final params', kind: 'params', bytes: big, meta: { shapes: [[2, 3]] } });
    const file = join(tempDir(), 'model.onnx');
    writeFileSync(file, 'onnx bytes');
    store.artifacts.put(runId, { name: 'model', kind: 'model', path: file });
    const params = store.artifacts.get(runId, 'final params')!;
    expect(params).toMatchObject({ kind: 'params', size: big.byteLength, path: null, meta: { shapes: [[2, 3]] } });
    expect(Buffer.from(params.bytes!).equals(Buffer.from(big))).toBe(true);
    const model = store.artifacts.get(runId, 'model')!;
    expect(model).toMatchObject({ kind: 'model', path: file, size: 10 });
    expect(model.bytes).toBeUndefined();
    expect(store.artifacts.list(runId).map((a) => a.name)).toEqual(['final params', 'model']);

    store.artifacts.put(runId, { name: 'final params', kind: 'params', bytes: new Uint8Array([9]) });
    expect(Array.from(store.artifacts.get(runId, 'final params')!.bytes!)).toEqual([9]);
    store.artifacts.delete(runId, 'model');
    expect(store.artifacts.get(runId, 'model')).toBeUndefined();
    expect(() => store.artifacts.delete(runId, 'model')).toThrow(expect.objectContaining({ code: 'store/not-found' }));
    expect(() => store.artifacts.put(runId, { name: 'x', kind: 'model', path: join(file, 'missing') })).toThrow(expect.objectContaining({ code: 'data/not-found' }));
    expect(store.check()).toEqual(['ok']);
  });
});
