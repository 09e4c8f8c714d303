// Softmax and LogSoftmax: before opset 13 the input is flattened to 2-D at `axis` (default 1); from 13 on, one axis
// (default -1). tfjs normalises over the last axis only, so other axes are transposed there and back. Derivatives
// stay accurate when the output saturates (saturating.ts).
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../ir';
import { normAxis, required } from './op-values';
import type { OpContext, OpTable, OpTranslator } from './op-types';
import { stableLogSoftmax, stableSoftmax } from './saturating';

function softmaxLike(f: (x: tf.Tensor) => tf.Tensor): OpTranslator {
  return {
    run(ctx: OpContext, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (ctx.opset < 13) {
        const axis = normAxis(ctx, ctx.attrs.int('axis', 1), Math.max(1, x.rank));
        const flat = tf.reshape(x, [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))]);
        return [tf.reshape(f(flat), x.shape)];
      }
      const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.rank);
      if (axis === x.rank - 1) return [f(x)];
      const perm = Array.from({ length: x.rank }, (_, i) => i);
      perm[axis] = x.rank - 1;
      perm[x.rank - 1] = axis;
      return [tf.transpose(f(tf.transpose(x, perm)), perm)];
    },
  };
}

export const softmaxOps: OpTable = {
  Softmax: softmaxLike(stableSoftmax),
  LogSoftmax: softmaxLike(stableLogSoftmax),
};
