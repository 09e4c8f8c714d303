// gradientsPerSeed (one forward, a backward per cotangent seed, on tfjs-core's tape) against tf.grads (a forward and
// a backward per seed) on a small net (dense, leaky relu, max pool, tanh): every gradient equal bit for bit, no tensor left behind, also when a seed
// is cancelled midway, and a refusal inside another gradient computation. It reaches into tfjs internals; this test
// is where a tfjs upgrade that changes them shows.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientsPerSeed } from '../../../src-main/core/models/one-forward-gradients';
import { createRng, normalArray } from '../../../src-main/core/random';
import { initBackend } from '../../../src-main/node/backend';

beforeAll(async () => {
  await initBackend('wasm');
});

const k = 5;

/** x [1, 12] -> dense to 24 + bias -> leaky relu -> [1, 4, 6, 1] max pool 2 -> dense to k -> tanh, plus a parameter-free branch. */
function net(params: tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D {
  const [w, b, dense] = params as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
  const h = tf.leakyRelu(tf.add(tf.matMul(x, w), b), 0.1);
  const pooled = tf.maxPool(tf.reshape(h, [1, 4, 6, 1]) as tf.Tensor4D, 2, 2, 'valid');
  const flat = tf.reshape(pooled, [1, 6]) as tf.Tensor2D;
  return tf.add(tf.tanh(tf.matMul(flat, dense)), tf.sum(x)) as tf.Tensor2D;
}

function setup(): { params: tf.Tensor[]; x: tf.Tensor2D } {
  const rng = createRng(8, 'one-forward');
  const params = [tf.tensor2d(normalArray(rng, 12 * 24, 0.3), [12, 24]), tf.tensor1d(normalArray(rng, 24, 0.1)), tf.tensor2d(normalArray(rng, 6 * k, 0.4), [6, k])];
  return { params, x: tf.tensor2d(normalArray(rng, 12), [1, 12]) };
}

const oneHot = (c: number) => tf.tensor2d(Float32Array.from({ length: k }, (_, e) => (e === c ? 1 : 0)), [1, k]);

describe('gradientsPerSeed', () => {
  it('gives the gradients of tf.grads for every seed, bit for bit, and frees its tape', async () => {
    const { params, x } = setup();
    const before = tf.memory().numTensors;
    const got: number[][][] = [];
    let forwards = 0;
    await gradientsPerSeed(
      () => {
        forwards++;
        return net(params, x);
      },
      params,
      k,
      oneHot,
      (c, grads) => {
        got[c] = grads.map((g) => Array.from(g.dataSync()));
      },
    );
    expect(forwards).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    for (let c = 0; c < k; c++) {
      const want = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => tf.squeeze(tf.slice(net(ps, x), [0, c], [1, 1])) as tf.Scalar)(params).map((g) => Array.from(g.dataSync())));
      expect(got[c]).toEqual(want);
      // Every parameter gets a gradient (no saturated tanh, no unit the pool drops everywhere).
      for (const g of want) expect(g.some((v) => v !== 0)).toBe(true);
    }
    tf.dispose([...params, x]);
  });

  it('a seed that is not one-hot gives the vector-Jacobian product', async () => {
    const { params, x } = setup();
    const dy = tf.tensor2d([0.5, -1, 2, 0, 0.25], [1, k]);
    let got: number[][] = [];
    await gradientsPerSeed(() => net(params, x), params, 1, () => dy.clone(), (_, grads) => (got = grads.map((g) => Array.from(g.dataSync()))));
    const want = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => net(ps, x))(params, dy).map((g) => Array.from(g.dataSync())));
    expect(got).toEqual(want);
    tf.dispose([...params, x, dy]);
  });

  it('stops at a throwing `between` with nothing leaked, and other tfjs gradients may run while it waits', async () => {
    const { params, x } = setup();
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await expect(
      gradientsPerSeed(() => net(params, x), params, k, oneHot, (c) => seen.push(c), async (c) => {
        // Another gradient computation between seeds must neither disturb this tape nor be disturbed.
        tf.dispose(tf.grads((w: tf.Tensor) => tf.sum(tf.square(w)))([params[1]]));
        if (c === 3) throw new Error('cancelled at 3');
      }),
    ).rejects.toThrow('cancelled at 3');
    expect(seen).toEqual([0, 1, 2]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...params, x]);
  });

  it('refuses to run inside another gradient computation', async () => {
    const { params, x } = setup();
    let inner: Promise<void> | undefined;
    tf.dispose(
      tf.grads((w: tf.Tensor) => {
        inner = gradientsPerSeed(() => net(params, x), params, 1, oneHot, () => undefined);
        return tf.sum(w);
      })([params[1]]),
    );
    await expect(inner).rejects.toThrow(/inside another gradient computation/);
    tf.dispose([...params, x]);
  });
});
