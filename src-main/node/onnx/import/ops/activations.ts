// Pointwise nonlinearities: Relu, LeakyRelu, PRelu, Sigmoid, HardSigmoid, Tanh, Softplus, Softsign, Elu, Celu, Selu,
// ThresholdedRelu, Erf, Gelu (opset 20, exact or tanh form), HardSwish (MobileNetV3), Mish, Swish (opset 24; SiLU),
// Clip (bounds as attributes before opset 11, inputs after: constants or computed).
import * as tf from '@tensorflow/tfjs-core';
import { isHost, sizeOf } from '../ir';
import { fail, required, shapeOf } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';
import { stableSigmoid } from './saturating';

function pointwise(f: (x: tf.Tensor, ctx: OpContext) => tf.Tensor): OpTranslator {
  return { run: (ctx, inputs) => [f(ctx.tensor(required(ctx, inputs, 0)), ctx)] };
}

/** min(x, 0) = -relu(-x): built from Relu because tfjs has no gradient for the comparison inside tf.where. */
export function negativePart(x: tf.Tensor): tf.Tensor {
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

/** Clip's bounds: numbers (attributes, constants, or open) or tensors computed from the data (min = max(x) - 80). */
function clipBounds(ctx: OpContext, inputs: readonly (Value | undefined)[]): [number | tf.Tensor, number | tf.Tensor] {
  if (ctx.opset < 11) return [ctx.attrs.float('min', -Infinity), ctx.attrs.float('max', Infinity)];
  const bound = (index: number, fallback: number): number | tf.Tensor => {
    const value = inputs[index];
    if (value === undefined) return fallback;
    if (sizeOf(shapeOf(value)) !== 1) fail(ctx, 'onnx/shape-mismatch', 'Clip bounds must be scalars');
    return isHost(value) ? value.data[0] : value;
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
  Softsign: pointwise((x) => tf.div(x, tf.add(1, tf.abs(x)))),
  // max(0, x) + min(0, alpha (exp(x / alpha) - 1)); alpha > 0.
  Celu: pointwise((x, ctx) => {
    const alpha = ctx.attrs.float('alpha', 1);
    return tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.div(negativePart(x), alpha)), 1)));
  }),
  // x where x > alpha, else 0: the step's gradient is zero, so d y / d x is the step.
  ThresholdedRelu: pointwise((x, ctx) => tf.mul(x, tf.step(tf.sub(x, ctx.attrs.float('alpha', 1))))),
  HardSwish: pointwise((x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(1 / 6, x), 0.5), 0, 1))),
  Mish: pointwise((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  Swish: pointwise((x, ctx) => tf.mul(x, stableSigmoid(tf.mul(ctx.attrs.float('alpha', 1), x)))),
  Clip: {
    run(ctx, inputs) {
      const [lo, hi] = clipBounds(ctx, inputs);
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi)) return [tf.clipByValue(x, lo, hi)];
      // A computed bound is max(x, bound) / min(x, bound), differentiated in the bound too; an open side is skipped.
      // Broadcast explicitly: tfjs's Maximum/Minimum gradients keep the broadcast shape for the smaller operand.
      const scalar = (b: tf.Tensor) => tf.broadcastTo(tf.reshape(b, []), x.shape);
      let y = x;
      if (typeof lo !== 'number') y = tf.maximum(y, scalar(lo));
      else if (Number.isFinite(lo)) y = tf.maximum(y, lo);
      if (typeof hi !== 'number') y = tf.minimum(y, scalar(hi));
      else if (Number.isFinite(hi)) y = tf.minimum(y, hi);
      return [y];
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
