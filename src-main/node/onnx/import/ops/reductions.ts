// ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceL1, ReduceL2 (F.normalize), ReduceSumSquare and ReduceLogSumExp
// over constant axes (an attribute before opset 13 for Sum and 18 for the others, an input after), keepdims and
// noop_with_empty_axes as ONNX defines them. Means and sums are corrected two-pass (sum x = n m1 + sum (x - m1)):
// tfjs-wasm sums left to right in float32, which made written-out LayerNorms about 3x less accurate than
// onnxruntime's pairwise reductions; the correction brings them to its level or better.
import * as tf from '@tensorflow/tfjs-core';
import { constantInts, normAxis, required } from './op-values';
import type { OpTable, OpTranslator } from './op-types';

/** Mean of x over `axes` with the rounding of a sequential float32 sum mostly cancelled. Cost: two reductions. */
export function accurateMean(x: tf.Tensor, axes: number[], keep: boolean): tf.Tensor {
  const first = tf.mean(x, axes, true);
  const mean = tf.add(first, tf.mean(tf.sub(x, first), axes, true));
  return keep ? mean : tf.squeeze(mean, axes);
}

function accurateSum(x: tf.Tensor, axes: number[], keep: boolean): tf.Tensor {
  const count = axes.reduce((c, a) => c * x.shape[a], 1);
  return tf.mul(accurateMean(x, axes, keep), count);
}

function reduce(f: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor, axesInputSince: number): OpTranslator {
  return {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const given = ctx.opset >= axesInputSince ? constantInts(ctx, inputs, 1, 'axes') : ctx.attrs.has('axes') ? [...ctx.attrs.ints('axes')] : undefined;
      const keep = ctx.attrs.int('keepdims', 1) !== 0;
      if ((given === undefined || given.length === 0) && ctx.attrs.int('noop_with_empty_axes', 0) !== 0) return [x];
      const axes = given && given.length > 0 ? given.map((a) => normAxis(ctx, a, x.rank)) : Array.from({ length: x.rank }, (_, i) => i);
      return [f(x, axes, keep)];
    },
  };
}

export const reductionOps: OpTable = {
  ReduceMean: reduce(accurateMean, 18),
  ReduceSum: reduce(accurateSum, 13),
  ReduceMax: reduce(tf.max, 18),
  ReduceMin: reduce(tf.min, 18),
  ReduceL1: reduce((x, axes, keep) => accurateSum(tf.abs(x), axes, keep), 18),
  ReduceL2: reduce((x, axes, keep) => tf.sqrt(accurateSum(tf.square(x), axes, keep)), 18),
  ReduceSumSquare: reduce((x, axes, keep) => accurateSum(tf.square(x), axes, keep), 18),
  ReduceLogSumExp: reduce(tf.logSumExp, 18),
};
