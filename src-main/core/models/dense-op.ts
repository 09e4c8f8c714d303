// A dense product x W^T with W stored [out, in], whose gradient uses explicit transposes: on tfjs-wasm, matMul
// with transpose flags is 10-25x slower than transposing first, and backprop uses the flags.
// W^T comes from transposeOf, which reuses it while the parameters are fixed (constant-transposes.ts). The backward
// pass multiplies by W itself while it is alive (a parameter): customGrad's save() clones, and on wasm a clone is a
// new buffer that XNNPACK repacks on every backward pass (2.7 ms of a 784 x 256 layer's 3 ms). The saved copy
// stays for inputs a graph frees after the forward pass.
import * as tf from '@tensorflow/tfjs-core';
import { transposeOf } from './constant-transposes';

/** x [n, in] times W^T (W [out, in]) -> [n, out]. */
export function denseProduct(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([xIn, wIn]);
    return {
      value: tf.tidy(() => tf.matMul(xIn, transposeOf(wIn))),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor2D[];
        const g = dy as tf.Tensor2D;
        return [tf.matMul(g, w.isDisposed ? ws : w), tf.matMul(tf.transpose(g), xs)];
      },
    };
  }) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
  return op(x, w);
}
