// The paper's FCN and ResNet forward pass in tfjs, differentiable in the parameters (training, generic eNTK).
// Reads the layer list from architecture.ts, so it cannot drift from the other engines.
import * as tf from '@tensorflow/tfjs-core';
import { type Architecture, type DenseLayer, fcnLayers, forwardMults, resnetLayers } from './architecture';
import { denseProduct } from './dense-op';

export type TensorParams = Readonly<Record<string, tf.Tensor>>;

function dense(a: Architecture, layer: DenseLayer, params: TensorParams, x: tf.Tensor2D): tf.Tensor2D {
  const mult = forwardMults(a, layer);
  let z = denseProduct(x, params[layer.weight] as tf.Tensor2D);
  if (mult.weight !== 1) z = tf.mul(z, mult.weight);
  if (layer.bias) {
    const b = params[layer.bias];
    z = tf.add(z, mult.bias !== 1 ? tf.mul(b, mult.bias) : b);
  }
  return z;
}

/** f(x) [n, k] for inputs x [n, d]. Cost: one pass of dense products, O(n * sum of in*out). */
export function forwardTf(a: Architecture, params: TensorParams, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (a.arch === 'fcn') {
      const layers = fcnLayers(a);
      let h = x;
      for (let l = 0; l < layers.length - 1; l++) h = tf.relu(dense(a, layers[l], params, h));
      return dense(a, layers[layers.length - 1], params, h);
    }
    const { input, blocks, readout } = resnetLayers(a);
    let stream = dense(a, input, params, x);
    for (const block of blocks) {
      const inner = tf.relu(dense(a, block.inner, params, stream));
      stream = tf.add(stream, dense(a, block.outer, params, inner));
    }
    return dense(a, readout, params, stream);
  });
}
