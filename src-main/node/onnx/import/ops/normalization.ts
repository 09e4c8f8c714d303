// BatchNormalization in inference form (running statistics are constants; scale and B train), LayerNormalization
// (opset 17) and RMSNormalization (opset 23) over the trailing axes from `axis`, InstanceNormalization (per sample and
// channel over the spatial axes) and GroupNormalization (opset 18: scale and bias per group; 21: per channel, the
// definition that replaced 18's). Means are as accurate as ReduceMean's; every scale and bias trains.
import * as tf from '@tensorflow/tfjs-core';
import { fail, normAxis, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';
import { accurateMean } from './reductions';

/** (x - mean) / sqrt(var + epsilon) over axes [axis, rank) of x (axis non-negative): LayerNormalization before its affine part. */
export function layerNormalized(x: tf.Tensor, axis: number, epsilon: number): tf.Tensor {
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const centred = tf.sub(x, accurateMean(x, axes, true));
  const variance = accurateMean(tf.square(centred), axes, true);
  return tf.div(centred, tf.sqrt(tf.add(variance, epsilon)));
}

/** x / sqrt(mean(x^2) + epsilon) over axes [axis, rank) of x (axis non-negative): RMSNormalization before its scale. */
export function rmsNormalized(x: tf.Tensor, axis: number, epsilon: number): tf.Tensor {
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  return tf.div(x, tf.sqrt(tf.add(accurateMean(tf.square(x), axes, true), epsilon)));
}

/** x [N, C, ...] normalised per sample over each of `groups` runs of C / groups channels: GroupNormalization before its affine part. */
export function groupNormalized(x: tf.Tensor, groups: number, epsilon: number): tf.Tensor {
  return tf.reshape(layerNormalized(tf.reshape(x, [x.shape[0], groups, -1]), 2, epsilon), x.shape);
}

/** x [N, C, ...] with at least one spatial axis, else onnx/shape-mismatch. */
function channelsFirst(ctx: OpContext, x: tf.Tensor): number {
  const channels = x.shape[1];
  if (x.rank < 3 || channels === undefined) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] needs [N, C, D1, ...]`);
  return channels;
}

/** A [C] (or [groups], repeated over each group's channels) input named `what` as [1, C, 1, ...] for x of `rank`. */
function perChannel(ctx: OpContext, value: Value, what: string, channels: number, rank: number, groups = channels): tf.Tensor {
  const t = ctx.tensor(value);
  if (t.size !== groups) fail(ctx, 'onnx/shape-mismatch', `${what} [${t.shape.join(', ')}] does not match ${groups === channels ? `${channels} channels` : `${groups} groups`}`);
  const spread = groups === channels ? t : tf.reshape(tf.tile(tf.reshape(t, [groups, 1]), [1, channels / groups]), [channels]);
  return tf.reshape(spread, [1, channels, ...new Array<number>(rank - 2).fill(1)]);
}

export const normalizationOps: OpTable = {
  BatchNormalization: {
    run(ctx, inputs) {
      if (ctx.attrs.int('training_mode', 0) !== 0) fail(ctx, 'onnx/unsupported-op', 'training_mode = 1 (batch statistics make f(x) depend on the batch); export in eval mode');
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (x.rank < 2) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] has no channel axis`);
      const channels = x.shape[1] as number;
      const input = (index: number, what: string) => perChannel(ctx, required(ctx, inputs, index), what, channels, x.rank);
      const epsilon = ctx.attrs.float('epsilon', 1e-5);
      const scale = tf.div(input(1, 'scale'), tf.sqrt(tf.add(input(4, 'var'), epsilon)));
      return [tf.add(tf.mul(tf.sub(x, input(3, 'mean')), scale), input(2, 'B'))];
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
  RMSNormalization: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.rank);
      return [tf.mul(rmsNormalized(x, axis, ctx.attrs.float('epsilon', 1e-5)), ctx.tensor(required(ctx, inputs, 1)))];
    },
    paramSlots: [1],
  },
  InstanceNormalization: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const channels = channelsFirst(ctx, x);
      const y = layerNormalized(x, 2, ctx.attrs.float('epsilon', 1e-5));
      return [tf.add(tf.mul(y, perChannel(ctx, required(ctx, inputs, 1), 'scale', channels, x.rank)), perChannel(ctx, required(ctx, inputs, 2), 'B', channels, x.rank))];
    },
    paramSlots: [1, 2],
  },
  GroupNormalization: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const channels = channelsFirst(ctx, x);
      const groups = ctx.attrs.int('num_groups', 0);
      if (!(groups > 0) || channels % groups !== 0) fail(ctx, 'onnx/shape-mismatch', `num_groups = ${groups} does not divide ${channels} channels`);
      const y = groupNormalized(x, groups, ctx.attrs.float('epsilon', 1e-5));
      const affineGroups = ctx.opset >= 21 ? channels : groups;
      return [tf.add(tf.mul(y, perChannel(ctx, required(ctx, inputs, 1), 'scale', channels, x.rank, affineGroups)), perChannel(ctx, required(ctx, inputs, 2), 'bias', channels, x.rank, affineGroups))];
    },
    paramSlots: [1, 2],
  },
};
