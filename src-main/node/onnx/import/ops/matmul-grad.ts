// 2-D products whose gradients transpose explicitly: tfjs-wasm runs matMul with transpose flags 10-25x slower
// (stack-notes.md), and tfjs's own matMul gradient uses the flags. x W^T comes from core's denseProduct.
import * as tf from '@tensorflow/tfjs-core';

/** a [m, k] times b [k, n] -> [m, n], float32. Cost 2 m k n flops forward, twice that backward. */
export const matmul2d = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(bs)), tf.matMul(tf.transpose(as), g)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
