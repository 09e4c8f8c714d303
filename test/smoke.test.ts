import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackend } from '../src-main/node/backend';

describe('backend', () => {
  it('starts a backend and computes gradients', () => {
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(activeBackend()?.name);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
  });
});
