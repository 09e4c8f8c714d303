// A dense product x W^T with W stored [out, in], whose gradient uses explicit transposes: on tfjs-wasm, matMul
// with transpose flags is 10-25x slower than transposing first (stack-notes.md), and backprop uses the flags.
import * as tf from '@tensorflow/tfjs-core';

/** x [n, in] times W^T (W [out, in]) -> [n, out]. */
export const denseProduct = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.tidy(() => tf.matMul(x, tf.transpose(w))),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, ws), tf.matMul(tf.transpose(g), xs)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
