// 2-D products whose gradients transpose explicitly: tfjs-wasm runs matMul with transpose flags 10-25x slower,
// and tfjs's own matMul gradient uses the flags. x W^T comes from core's denseProduct. As there,
// a weight still alive at backward time is used itself, through its cached transpose (constant-transposes.ts),
// rather than the saved copy, which would be a new wasm buffer to repack.
import * as tf from '@tensorflow/tfjs-core';
import { transposeOf } from '../../../../core/models/constant-transposes';

/** a [m, k] times b [k, n] -> [m, n], float32. Cost 2 m k n flops forward, twice that backward. */
export function matmul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [aIn, bIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([aIn, bIn]);
    return {
      value: tf.matMul(aIn, bIn),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [as, bs] = saved as tf.Tensor2D[];
        const g = dy as tf.Tensor2D;
        return [tf.matMul(g, transposeOf(b.isDisposed ? bs : b)), tf.matMul(tf.transpose(as), g)];
      },
    };
  }) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;
  return op(a, b);
}
