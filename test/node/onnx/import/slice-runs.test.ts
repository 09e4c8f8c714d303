// Slices through a rank-3 view equal tf.slice, values and gradients, at every rank the importer produces; everyNth
// picks every step-th entry.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/node/backend';
import { everyNth, sliceAxis, sliceBox } from '../../../../src-main/node/onnx/import/ops/slice-runs';

beforeAll(async () => {
  await initBackend('wasm');
});

const ramp = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(0.7 * i) + i / 100), shape);

describe('sliceAxis and sliceBox', () => {
  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 2, 0], size: [2, 2, 4, 3, 6] },
    { shape: [2, 3, 2, 4, 3, 2], begin: [1, 0, 1, 0, 2, 1], size: [1, 3, 1, 4, 1, 1] },
    { shape: [3, 4], begin: [1, 0], size: [2, 0] },
    { shape: [4, 1, 3], begin: [0, 0, 0], size: [4, 1, 3] },
  ];
  for (const { shape, begin, size } of cases) {
    it(`[${shape.join(', ')}] from [${begin.join(', ')}] size [${size.join(', ')}]: values and gradient as tf.slice`, () => {
      const x = ramp(shape);
      const weights = ramp(size);
      const ours = sliceBox(x, begin, size);
      const reference = tf.slice(x, begin, size);
      expect(ours.shape).toEqual(reference.shape);
      expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
      const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), weights));
      const g = tf.grad(loss((t) => sliceBox(t, begin, size)))(x);
      const gRef = tf.grad(loss((t) => tf.slice(t, begin, size)))(x);
      expect(Array.from(g.dataSync())).toEqual(Array.from(gRef.dataSync()));
      tf.dispose([x, weights, ours, reference, g, gRef]);
    });
  }

  it('everyNth keeps indices 0, step, 2 step, ... of an axis, values and gradient as a strided pick', () => {
    const x = ramp([2, 3, 6, 4]);
    const picked = everyNth(x, 2, 3);
    expect(picked.shape).toEqual([2, 3, 2, 4]);
    const all = x.arraySync() as number[][][][];
    expect(picked.arraySync()).toEqual(all.map((a) => a.map((b) => [b[0], b[3]])));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(everyNth(t, 3, 2), 2)))(x);
    const expected = Array.from({ length: x.size }, (_, i) => (i % 4) % 2 === 0 ? 2 : 0);
    expect(Array.from(g.dataSync())).toEqual(expected);
    tf.dispose([x, picked, g]);
  });

  it('returns the tensor itself when the axis is not cut', () => {
    const x = ramp([2, 3]);
    expect(sliceAxis(x, 1, 0, 3)).toBe(x);
    x.dispose();
  });
});
