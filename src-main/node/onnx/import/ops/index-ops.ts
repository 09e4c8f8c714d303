// The index and position ops exports build masks and position codes from: Range (from constant bounds, e.g. the
// sequence length), CumSum (exclusive, reverse), Trilu (causal masks, on constants too, -inf entries kept), and the
// pixel shuffles DepthToSpace (DCR and CRD) and SpaceToDepth.
import * as tf from '@tensorflow/tfjs-core';
import { hostTensor, isHost, sizeOf, type HostTensor } from '../ir';
import { constant, constantInts, fail, normAxis, required, shapeOf } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';

function scalar(ctx: OpContext, inputs: readonly (Value | undefined)[], index: number, what: string): number {
  const t = constant(ctx, inputs, index, what);
  if (t.data.length !== 1) fail(ctx, 'onnx/shape-mismatch', `${what} must be a scalar, got [${t.shape.join(', ')}]`);
  return t.data[0];
}

/** Whether element (i, j) of a [rows, cols] matrix stays: on or above diagonal k (upper), or on or below it. */
function keeps(upper: boolean, k: number): (i: number, j: number) => boolean {
  return upper ? (i, j) => j - i >= k : (i, j) => j - i <= k;
}

/** Trilu's mask over the last two axes of `shape`, 1 kept and 0 zeroed, [rows, cols]. */
function triluMask(ctx: OpContext, shape: readonly number[], inputs: readonly (Value | undefined)[]): { rows: number; cols: number; keep: (i: number, j: number) => boolean } {
  if (shape.length < 2) fail(ctx, 'onnx/shape-mismatch', `input [${shape.join(', ')}] needs at least 2 axes`);
  const k = inputs[1] === undefined ? 0 : scalar(ctx, inputs, 1, 'k');
  return { rows: shape[shape.length - 2], cols: shape[shape.length - 1], keep: keeps(ctx.attrs.int('upper', 1) !== 0, k) };
}

function hostTrilu(ctx: OpContext, inputs: readonly (Value | undefined)[], x: HostTensor): HostTensor {
  const { rows, cols, keep } = triluMask(ctx, x.shape, inputs);
  return hostTensor(x.dtype, x.shape, Float64Array.from(x.data, (v, q) => (keep(Math.floor(q / cols) % rows, q % cols) ? v : 0)));
}

const trilu: OpTranslator = {
  run(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    if (isHost(x)) return [hostTrilu(ctx, inputs, x)];
    const { rows, cols, keep } = triluMask(ctx, x.shape, inputs);
    const mask = tf.tensor(Uint8Array.from({ length: rows * cols }, (_, q) => (keep(Math.floor(q / cols), q % cols) ? 1 : 0)), [rows, cols], 'bool');
    // where, not a product: a masked -inf must become 0, not NaN.
    return [tf.where(tf.broadcastTo(mask, x.shape), x, tf.zerosLike(x))];
  },
  host: (ctx, inputs) => [hostTrilu(ctx, inputs, required(ctx, inputs, 0) as HostTensor)],
};

const range: OpTranslator = {
  run(ctx, inputs) {
    const [start, limit, delta] = ['start', 'limit', 'delta'].map((what, i) => scalar(ctx, inputs, i, what));
    if (delta === 0) fail(ctx, 'onnx/invalid-model', 'delta is 0');
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    const dtype = (required(ctx, inputs, 0) as HostTensor).dtype;
    return [hostTensor(dtype, [count], Float64Array.from({ length: count }, (_, i) => start + i * delta))];
  },
  host: (ctx, inputs) => range.run(ctx, inputs) as HostTensor[],
};

/** [N, C, H, W] pixel shuffles as a reshape, a transpose and a reshape (each differentiable). */
function depthToSpace(ctx: OpContext, x: tf.Tensor, b: number, crd: boolean): tf.Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (x.rank !== 4 || c % (b * b) !== 0) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] needs [N, C, H, W] with C a multiple of ${b * b}`);
  const depth = c / (b * b);
  const split = crd ? tf.reshape(x, [n, depth, b, b, h, w]) : tf.reshape(x, [n, b, b, depth, h, w]);
  const moved = tf.transpose(split, crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2]);
  return tf.reshape(moved, [n, depth, h * b, w * b]);
}

function spaceToDepth(ctx: OpContext, x: tf.Tensor, b: number): tf.Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (x.rank !== 4 || h % b !== 0 || w % b !== 0) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] needs [N, C, H, W] with H and W multiples of ${b}`);
  const split = tf.reshape(x, [n, c, h / b, b, w / b, b]);
  return tf.reshape(tf.transpose(split, [0, 3, 5, 1, 2, 4]), [n, c * b * b, h / b, w / b]);
}

function blocksize(ctx: OpContext): number {
  const b = ctx.attrs.int('blocksize', 0);
  if (!(b > 0)) fail(ctx, 'onnx/invalid-model', `blocksize ${b} must be positive`);
  return b;
}

export const indexOps: OpTable = {
  Range: range,
  CumSum: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const [axis] = constantInts(ctx, inputs, 1, 'axis') ?? fail(ctx, 'onnx/invalid-model', 'no axis input');
      if (sizeOf(shapeOf(required(ctx, inputs, 1))) !== 1) fail(ctx, 'onnx/shape-mismatch', 'axis must be a scalar');
      return [tf.cumsum(x, normAxis(ctx, axis, x.rank), ctx.attrs.int('exclusive', 0) !== 0, ctx.attrs.int('reverse', 0) !== 0)];
    },
  },
  Trilu: trilu,
  DepthToSpace: { run: (ctx, inputs) => [depthToSpace(ctx, ctx.tensor(required(ctx, inputs, 0)), blocksize(ctx), ctx.attrs.string('mode', 'DCR') === 'CRD')] },
  SpaceToDepth: { run: (ctx, inputs) => [spaceToDepth(ctx, ctx.tensor(required(ctx, inputs, 0)), blocksize(ctx))] },
};
