// ConvTranspose (1-D and 2-D, group 1) as the convolution it is the adjoint of: zeros inserted between input pixels
// (the stride), padded by dilation (k - 1) - pads (output_padding at the end), then a stride-1 Conv with the kernel
// flipped and its channel axes swapped, through the im2col Conv (no Conv2DBackpropFilter needed on tfjs-wasm).
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, spatial2d } from './conv';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable } from './op-types';

/** x [n, c, h, w] with s - 1 zeros between neighbours along each axis: [n, c, (h - 1) sh + 1, (w - 1) sw + 1]. */
function dilateInput(x: tf.Tensor4D, [sh, sw]: readonly number[]): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, c, h, w] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, c, h, 1, w, 1]), [[0, 0], [0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1]]);
  return tf.slice(tf.reshape(spread, [n, c, h * sh, w * sw]), [0, 0, 0, 0], [n, c, (h - 1) * sh + 1, (w - 1) * sw + 1]) as tf.Tensor4D;
}

/** Pads (or crops, where negative) the two spatial axes of x by [top, bottom, left, right]. */
function padOrCrop(x: tf.Tensor4D, [top, bottom, left, right]: readonly number[]): tf.Tensor4D {
  const grown = tf.pad(x, [[0, 0], [0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)]]);
  const [n, c, h, w] = grown.shape;
  const cut = [Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right)];
  return tf.slice(grown, [0, 0, cut[0], cut[2]], [n, c, h - cut[0] - cut[1], w - cut[2] - cut[3]]) as tf.Tensor4D;
}

function convTranspose2d(ctx: OpContext, x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor | undefined): tf.Tensor4D {
  const [kh, kw] = [w.shape[2], w.shape[3]];
  if (w.shape[0] !== x.shape[1]) fail(ctx, 'onnx/shape-mismatch', `weight [${w.shape.join(', ')}] expects ${w.shape[0]} input channels, the input has ${x.shape[1]}`);
  const strides = ctx.attrs.ints('strides', [1, 1]);
  const dilations = ctx.attrs.ints('dilations', [1, 1]);
  const pads = ctx.attrs.ints('pads', [0, 0, 0, 0]);
  const given = ctx.attrs.ints('output_padding', [0, 0]);
  // A 1-D op runs as 2-D with height 1; output_padding is the one attribute conv.ts does not lift.
  const extra = given.length === 1 ? [0, given[0]] : given;
  const reach = [dilations[0] * (kh - 1), dilations[1] * (kw - 1)];
  const up = dilateInput(x, strides);
  guardShape(ctx, [x.shape[0], x.shape[1], up.shape[2] + 2 * reach[0] + extra[0], up.shape[3] + 2 * reach[1] + extra[1]]);
  const padded = padOrCrop(up, [reach[0] - pads[0], reach[0] - pads[2] + extra[0], reach[1] - pads[1], reach[1] - pads[3] + extra[1]]);
  // Conv weight [out, in, kh, kw] from the transposed conv's [in, out, kh, kw], flipped in space.
  const flipped = tf.transpose(tf.reverse(w, [2, 3]), [1, 0, 2, 3]) as tf.Tensor4D;
  const stride1 = { ...ctx, attrs: ctx.attrs.withInts(new Map([['strides', [1, 1]], ['pads', [0, 0, 0, 0]], ['dilations', dilations], ['kernel_shape', [kh, kw]]])) };
  return conv2d(stride1, padded, flipped, b);
}

export const convTransposeOps: OpTable = {
  ConvTranspose: {
    run(ctx, inputs) {
      if (ctx.attrs.int('group', 1) !== 1) fail(ctx, 'onnx/unsupported-op', 'group > 1 is not supported');
      if (ctx.attrs.has('output_shape')) fail(ctx, 'onnx/unsupported-op', 'output_shape is not supported; export with pads and output_padding');
      if (ctx.attrs.string('auto_pad', 'NOTSET') !== 'NOTSET') fail(ctx, 'onnx/unsupported-op', 'auto_pad is not supported; export with explicit pads');
      const x = ctx.tensor(required(ctx, inputs, 0));
      const w = ctx.tensor(required(ctx, inputs, 1));
      const b = inputs[2] === undefined ? undefined : ctx.tensor(inputs[2]);
      if (w.rank !== x.rank) fail(ctx, 'onnx/shape-mismatch', `weight [${w.shape.join(', ')}] and input [${x.shape.join(', ')}] differ in rank`);
      const w4 = w.rank === 3 ? (tf.expandDims(w, 2) as tf.Tensor4D) : (w as tf.Tensor4D);
      return [spatial2d(ctx, x, (ctx2d, x4) => convTranspose2d(ctx2d, x4, w4, b))];
    },
    paramSlots: [1, 2],
  },
};
