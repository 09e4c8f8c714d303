// Conv on the backend's own convolution (XNNPACK on tfjs-wasm: 13x the im2col forward on CNN20's layers), with a
// gradient made of the same convolution, since tfjs-wasm has no Conv2DBackpropFilter kernel (and its transposed conv
// is a plain loop): d/dx is the full correlation of the cotangent with the flipped kernel, d/dW the correlation of
// the padded input with the cotangent (samples as channels). Used where the window allows (one group, strides and
// dilations 1); conv.ts keeps im2col for the rest. Inputs are padded explicitly and convolved 'valid', the form
// every backend (tfjs-node included) accepts.
import * as tf from '@tensorflow/tfjs-core';
import type { WindowGeometry } from './window-geometry';

/** Whether nativeConv2d computes this conv: one group, strides and dilations 1. */
export function nativeConvApplies(groups: number, g: WindowGeometry): boolean {
  return groups === 1 && [...g.strides, ...g.dilations].every((v) => v === 1);
}

/** NCHW <-> NHWC. */
const toNhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D;
const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]) as tf.Tensor4D;

/** y = conv(x, W) for NCHW x [n, c, h, w] and W [out, c, kh, kw] under geometry g (no bias). */
export function nativeConv2d(x: tf.Tensor4D, w: tf.Tensor4D, g: WindowGeometry): tf.Tensor4D {
  const [n, c, h, wd] = x.shape;
  const [, , kh, kw] = w.shape;
  const pads: [number, number][] = [
    [0, 0],
    [g.begin[0], g.end[0]],
    [g.begin[1], g.end[1]],
    [0, 0],
  ];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIn, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xIn, wIn]);
    return {
      value: tf.tidy(() => toNchw(tf.conv2d(tf.pad(toNhwc(xIn), pads), tf.transpose(wIn, [2, 3, 1, 0]) as tf.Tensor4D, 1, 'valid'))),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor4D[];
        const gy = toNhwc(dy as tf.Tensor4D);
        // dx_pad [n, hp, wp, c]: gy padded by the kernel's extent, correlated with W flipped, in and out swapped.
        const flipped = tf.reverse(tf.transpose(ws, [2, 3, 0, 1]), [0, 1]) as tf.Tensor4D;
        const gyFull = tf.pad(gy, [
          [0, 0],
          [kh - 1, kh - 1],
          [kw - 1, kw - 1],
          [0, 0],
        ]);
        const dxPadded = tf.conv2d(gyFull, flipped, 1, 'valid');
        const dx = toNchw(tf.slice(dxPadded, [0, g.begin[0], g.begin[1], 0], [n, h, wd, c]));
        // dW [c, kh, kw, out]: the padded input with channels as the batch and samples as channels, correlated with gy
        // as the filter [oh, ow, n, out].
        const xT = tf.transpose(tf.pad(toNhwc(xs), pads), [3, 1, 2, 0]) as tf.Tensor4D;
        const dwT = tf.conv2d(xT, tf.transpose(gy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid');
        return [dx, tf.transpose(dwT, [3, 0, 1, 2])];
      },
    };
  }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  return op(x, w);
}
