// Cached transposes of fixed tensors: inside the scope a named tensor (or a reshape sharing its data) gives the same
// transposed tensor every time, anything else a fresh one; the cache is released when the scope ends, and
// gradients through the dense product are unchanged by it.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { transposeOf, withConstantTransposes } from '../../../src-main/core/models/constant-transposes';
import { denseProduct } from '../../../src-main/core/models/dense-op';

describe('constant transposes', () => {
  it('reuses the transpose of the named tensors only, and releases it after', async () => {
    const w = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const other = tf.tensor2d([1, 2], [1, 2]);
    const before = tf.memory().numTensors;
    await withConstantTransposes([w], async () => {
      const a = transposeOf(w);
      const b = tf.tidy(() => transposeOf(w));
      expect(b).toBe(a);
      expect(a.isDisposed).toBe(false);
      expect(Array.from(a.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
      const fresh = transposeOf(other);
      const again = transposeOf(other);
      expect(again).not.toBe(fresh);
      tf.dispose([fresh, again]);
    });
    expect(tf.memory().numTensors).toBe(before);
    const outside = [transposeOf(w), transposeOf(w)];
    expect(outside[0]).not.toBe(outside[1]);
    tf.dispose([w, other, ...outside]);
  });

  it('leaves dense-product gradients as they were', async () => {
    const x = tf.tensor2d([0.5, -1, 2, 1, 0, -0.5], [2, 3]);
    const w = tf.tensor2d([0.1, 0.2, 0.3, -0.4, 0.5, -0.6], [2, 3]);
    const loss = (xv: tf.Tensor, wv: tf.Tensor) => tf.sum(tf.square(denseProduct(xv as tf.Tensor2D, wv as tf.Tensor2D))) as tf.Scalar;
    const reference = tf.grads(loss)([x, w]).map((g) => Array.from(g.dataSync()));
    const cached = await withConstantTransposes([w], async () => tf.grads(loss)([x, w]).map((g) => Array.from(g.dataSync())));
    expect(cached).toEqual(reference);
    // By hand: y = x W^T, L = sum y^2, dL/dW = 2 y^T x, dL/dx = 2 y W.
    const y = tf.matMul(x, w, false, true);
    expect(reference[1].map((v) => Number(v.toFixed(5)))).toEqual(Array.from(tf.matMul(tf.mul(y, 2), x, true, false).dataSync()).map((v) => Number(v.toFixed(5))));
    tf.dispose([x, w, y]);
  });
});

describe('overlapping scopes', () => {
  it('keep each computation\'s cache to itself when they await in turn', async () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    const before = tf.memory().numTensors;
    let releaseA: () => void = () => {};
    const first = withConstantTransposes([a], async () => {
      const t = transposeOf(a);
      await new Promise<void>((resolve) => (releaseA = resolve));
      return transposeOf(a) === t && !t.isDisposed;
    });
    const second = withConstantTransposes([b], async () => {
      const t = transposeOf(b);
      releaseA();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return transposeOf(b) === t && !t.isDisposed;
    });
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
