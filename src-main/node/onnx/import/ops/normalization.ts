// BatchNormalization in inference form (running statistics are constants; scale and B train) and
// LayerNormalization (opset 17) over the trailing axes from `axis` (means as accurate as ReduceMean's).
import * as tf from '@tensorflow/tfjs-core';
import { fail, normAxis, required } from './op-values';
import type { OpTable } from './op-types';
import { accurateMean } from './reductions';

/** (x - mean) / sqrt(var + epsilon) over axes [axis, rank) of x (axis non-negative): LayerNormalization before its affine part. */
export function layerNormalized(x: tf.Tensor, axis: number, epsilon: number): tf.Tensor {
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const centred = tf.sub(x, accurateMean(x, axes, true));
  const variance = accurateMean(tf.square(centred), axes, true);
  return tf.div(centred, tf.sqrt(tf.add(variance, epsilon)));
}

export const normalizationOps: OpTable = {
  BatchNormalization: {
    run(ctx, inputs) {
      if (ctx.attrs.int('training_mode', 0) !== 0) fail(ctx, 'onnx/unsupported-op', 'training_mode = 1 (batch statistics make f(x) depend on the batch); export in eval mode');
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (x.rank < 2) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] has no channel axis`);
      const channels = x.shape[1];
      const perChannel = (index: number, what: string) => {
        const t = ctx.tensor(required(ctx, inputs, index));
        if (t.size !== channels) fail(ctx, 'onnx/shape-mismatch', `${what} [${t.shape.join(', ')}] does not match ${channels} channels`);
        return tf.reshape(t, [1, channels, ...new Array<number>(x.rank - 2).fill(1)]);
      };
      const epsilon = ctx.attrs.float('epsilon', 1e-5);
      const scale = tf.div(perChannel(1, 'scale'), tf.sqrt(tf.add(perChannel(4, 'var'), epsilon)));
      return [tf.add(tf.mul(tf.sub(x, perChannel(3, 'mean')), scale), perChannel(2, 'B'))];
    },
    paramSlots: [1, 2],
  },
  LayerNormalization: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.rank);
      let y = layerNormalized(x, axis, ctx.attrs.float('epsilon', 1e-5));
      y = tf.mul(y, ctx.tensor(required(ctx, inputs, 1)));
      if (inputs[2] !== undefined) y = tf.add(y, ctx.tensor(inputs[2]));
      return [y];
    },
    paramSlots: [1, 2],
  },
};
