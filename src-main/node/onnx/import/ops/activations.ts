// Pointwise nonlinearities: Relu, LeakyRelu, PRelu, Sigmoid, HardSigmoid, Tanh, Softplus, Elu, Selu, Erf, Gelu
// (opset 20, exact or tanh form), Clip (bounds as attributes before opset 11, inputs after).
import * as tf from '@tensorflow/tfjs-core';
import { constant, fail, required } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';
import { stableSigmoid } from './saturating';

function pointwise(f: (x: tf.Tensor, ctx: OpContext) => tf.Tensor): OpTranslator {
  return { run: (ctx, inputs) => [f(ctx.tensor(required(ctx, inputs, 0)), ctx)] };
}

/** min(x, 0) = -relu(-x): built from Relu because tfjs has no gradient for the comparison inside tf.where. */
function negativePart(x: tf.Tensor): tf.Tensor {
  return tf.neg(tf.relu(tf.neg(x)));
}

function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return alpha === 1 ? tf.elu(x) : tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(negativePart(x)), 1)));
}

function gelu(x: tf.Tensor, ctx: OpContext): tf.Tensor {
  const approximate = ctx.attrs.string('approximate', 'none');
  if (approximate === 'tanh') {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  }
  if (approximate !== 'none') fail(ctx, 'onnx/unsupported-op', `approximate = "${approximate}" is not an ONNX Gelu mode`);
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

function clipBounds(ctx: OpContext, inputs: readonly (Value | undefined)[]): [number, number] {
  if (ctx.opset < 11) return [ctx.attrs.float('min', -Infinity), ctx.attrs.float('max', Infinity)];
  const bound = (index: number, fallback: number) => {
    if (inputs[index] === undefined) return fallback;
    const c = constant(ctx, inputs, index, index === 1 ? 'min' : 'max');
    if (c.data.length !== 1) fail(ctx, 'onnx/shape-mismatch', 'Clip bounds must be scalars');
    return c.data[0];
  };
  return [bound(1, -Infinity), bound(2, Infinity)];
}

export const activationOps: OpTable = {
  Relu: pointwise((x) => tf.relu(x)),
  LeakyRelu: pointwise((x, ctx) => tf.leakyRelu(x, ctx.attrs.float('alpha', 0.01))),
  Sigmoid: pointwise((x) => stableSigmoid(x)),
  HardSigmoid: pointwise((x, ctx) => tf.clipByValue(tf.add(tf.mul(ctx.attrs.float('alpha', 0.2), x), ctx.attrs.float('beta', 0.5)), 0, 1)),
  Tanh: pointwise((x) => tf.tanh(x)),
  Softplus: pointwise((x) => tf.softplus(x)),
  Elu: pointwise((x, ctx) => elu(x, ctx.attrs.float('alpha', 1))),
  Selu: pointwise((x, ctx) => tf.mul(ctx.attrs.float('gamma', 1.0507009873554805), elu(x, ctx.attrs.float('alpha', 1.6732632423543772)))),
  Erf: pointwise((x) => tf.erf(x)),
  Gelu: pointwise(gelu),
  Clip: {
    run(ctx, inputs) {
      const [lo, hi] = clipBounds(ctx, inputs);
      const x = ctx.tensor(required(ctx, inputs, 0));
      // tf.clipByValue needs finite bounds; an open side is a plain max or min.
      if (Number.isFinite(lo) && Number.isFinite(hi)) return [tf.clipByValue(x, lo, hi)];
      if (Number.isFinite(lo)) return [tf.maximum(x, lo)];
      return [Number.isFinite(hi) ? tf.minimum(x, hi) : x];
    },
  },
  PRelu: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const slope = ctx.tensor(required(ctx, inputs, 1));
      return [tf.add(tf.relu(x), tf.mul(slope, negativePart(x)))];
    },
    paramSlots: [1],
  },
};
