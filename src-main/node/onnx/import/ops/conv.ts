// Conv (1-D and 2-D, groups, pads, strides, dilations, auto_pad): on the backend's own convolution where the window
// allows (native-conv.ts), else as im2col + a dense product, so its filter gradient works on tfjs-wasm; 1-D inputs
// run as 2-D with height 1.
import * as tf from '@tensorflow/tfjs-core';
import { denseProduct } from '../../../../core/models/dense-op';
import { extractPatches, patchRows } from './patches';
import { nativeConvApplies, nativeConv2d } from './native-conv';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';
import { windowGeometry } from './window-geometry';
import { sliceAxis } from './slice-runs';

/** Spatial attributes of a 1-D op lifted to 2-D (height 1, no padding on it). */
function as2dContext(ctx: OpContext): OpContext {
  const overrides = new Map<string, readonly number[]>();
  const lift = (name: string, value: (v: readonly number[]) => readonly number[]) => {
    if (ctx.attrs.has(name)) overrides.set(name, value(ctx.attrs.ints(name)));
  };
  lift('strides', (v) => [1, ...v]);
  lift('dilations', (v) => [1, ...v]);
  lift('kernel_shape', (v) => [1, ...v]);
  lift('pads', (v) => [0, v[0], 0, v[1]]);
  return { ...ctx, attrs: ctx.attrs.withInts(overrides) };
}

/** Runs `body` on x as NCHW: 1-D inputs [n, c, l] get a unit height axis, removed again afterwards. */
export function spatial2d(ctx: OpContext, x: tf.Tensor, body: (ctx2d: OpContext, x4: tf.Tensor4D) => tf.Tensor4D): tf.Tensor {
  if (x.rank === 4) return body(ctx, x as tf.Tensor4D);
  if (x.rank === 3) return tf.squeeze(body(as2dContext(ctx), tf.expandDims(x, 2) as tf.Tensor4D), [2]);
  return fail(ctx, 'onnx/unsupported-op', `input of rank ${x.rank}; only 1-D and 2-D spatial inputs are supported`);
}

/** 2-D convolution of NCHW x with W [out, in / group, kh, kw] under the node's window attributes (im2col). */
export function conv2d(ctx: OpContext, x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor | undefined): tf.Tensor4D {
  const [n, c] = x.shape;
  const [outChannels, groupChannels, kh, kw] = w.shape;
  const groups = ctx.attrs.int('group', 1);
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || outChannels % groups !== 0)
    fail(ctx, 'onnx/shape-mismatch', `group = ${groups} does not divide ${c} input and ${outChannels} output channels`);
  if (groupChannels !== c / groups)
    fail(ctx, 'onnx/shape-mismatch', `weight [${w.shape.join(', ')}] expects ${groupChannels * groups} input channels, the input has ${c}`);
  const kernel = ctx.attrs.ints('kernel_shape', [kh, kw]);
  if (kernel[0] !== kh || kernel[1] !== kw) fail(ctx, 'onnx/shape-mismatch', `kernel_shape [${kernel.join(', ')}] disagrees with weight [${w.shape.join(', ')}]`);
  const g = windowGeometry(ctx, [x.shape[2], x.shape[3]], [kh, kw]);
  const [oh, ow] = g.output;
  guardShape(ctx, [n, c, x.shape[2] + g.begin[0] + g.end[0], x.shape[3] + g.begin[1] + g.end[1]]);
  guardShape(ctx, [n, c * kh * kw, oh, ow]);
  if (nativeConvApplies(groups, g)) return withBias(ctx, nativeConv2d(x, w, g), b, outChannels);
  const patches = extractPatches(x, g, 0);
  const perGroupOut = outChannels / groups;
  const outputs: tf.Tensor[] = [];
  for (let gi = 0; gi < groups; gi++) {
    const part = groups === 1 ? patches : sliceAxis(patches, 1, gi * groupChannels, groupChannels);
    // Rows are output pixels, columns (channel, kernel offset) in the order of the weight's flattening.
    const cols = patchRows(part as tf.Tensor5D);
    const wg = groups === 1 ? w : tf.slice(w, [gi * perGroupOut, 0, 0, 0], [perGroupOut, groupChannels, kh, kw]);
    outputs.push(denseProduct(cols, tf.reshape(wg, [perGroupOut, groupChannels * kh * kw]) as tf.Tensor2D));
  }
  const joined = outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1);
  return withBias(ctx, tf.transpose(tf.reshape(joined, [n, oh, ow, outChannels]), [0, 3, 1, 2]) as tf.Tensor4D, b, outChannels);
}

/** y + b over the channel axis (b [outChannels]), or y without a bias. */
function withBias(ctx: OpContext, y: tf.Tensor4D, b: tf.Tensor | undefined, outChannels: number): tf.Tensor4D {
  if (!b) return y;
  if (b.rank !== 1 || b.shape[0] !== outChannels) fail(ctx, 'onnx/shape-mismatch', `bias [${b.shape.join(', ')}] does not match ${outChannels} output channels`);
  return tf.add(y, tf.reshape(b, [1, outChannels, 1, 1]));
}

function conv(ctx: OpContext, inputs: readonly (Value | undefined)[]): tf.Tensor {
  const x = ctx.tensor(required(ctx, inputs, 0));
  const w = ctx.tensor(required(ctx, inputs, 1));
  const b = inputs[2] === undefined ? undefined : ctx.tensor(inputs[2]);
  if (w.rank !== x.rank) fail(ctx, 'onnx/shape-mismatch', `weight [${w.shape.join(', ')}] and input [${x.shape.join(', ')}] differ in rank`);
  const w4 = w.rank === 3 ? (tf.expandDims(w, 2) as tf.Tensor4D) : (w as tf.Tensor4D);
  return spatial2d(ctx, x, (ctx2d, x4) => conv2d(ctx2d, x4, w4, b));
}

export const convOps: OpTable = {
  Conv: { run: (ctx, inputs) => [conv(ctx, inputs)], paramSlots: [1, 2] },
};
