// ReduceMean, ReduceSum, ReduceMax over constant axes (an attribute before opset 13 for Sum and 18 for the others,
// an input after), keepdims and noop_with_empty_axes as ONNX defines them.
import * as tf from '@tensorflow/tfjs-core';
import { constantInts, normAxis, required } from './op-values';
import type { OpTable, OpTranslator } from './op-types';

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
  ReduceMean: reduce(tf.mean, 18),
  ReduceSum: reduce(tf.sum, 13),
  ReduceMax: reduce(tf.max, 18),
};
