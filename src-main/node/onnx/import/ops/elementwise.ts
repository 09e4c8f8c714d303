// Arithmetic with numpy broadcasting: Add, Sub, Mul, Div, Pow, Neg, variadic Sum/Mean/Max/Min, the unary maths
// exporters emit around normalisations (Sqrt, Exp, Log, Abs, Reciprocal), Sin and Cos (Fourier features, SIREN,
// sinusoidal position codes), and Floor, Ceil, Round (half to even) and Sign (zero gradient on data). Add/Sub/Mul/Div/
// Neg/Sin/Cos and the roundings also run on host constants (shape maths, constant codes).
import * as tf from '@tensorflow/tfjs-core';
import { broadcastShape, hostBinary, hostUnary } from './host-math';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';
import { isHost, type HostTensor } from '../ir';

function checkBroadcast(ctx: OpContext, a: readonly number[], b: readonly number[]): void {
  const shape = broadcastShape(a, b);
  if (!shape) fail(ctx, 'onnx/shape-mismatch', `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  guardShape(ctx, shape);
}

function binary(tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, hostOp: ((a: number, b: number, int: boolean) => number) | undefined): OpTranslator {
  return {
    run(ctx, inputs: readonly (Value | undefined)[]) {
      const a = ctx.tensor(required(ctx, inputs, 0));
      const b = ctx.tensor(required(ctx, inputs, 1));
      checkBroadcast(ctx, a.shape, b.shape);
      return [tfOp(a, b)];
    },
    host: hostOp
      ? (ctx, inputs) => {
          const a = required(ctx, inputs, 0) as HostTensor;
          const b = required(ctx, inputs, 1) as HostTensor;
          const int = a.dtype === 'int' && b.dtype === 'int';
          checkBroadcast(ctx, a.shape, b.shape);
          const out = hostBinary(a, b, (x, y) => hostOp(x, y, int));
          if (!out) fail(ctx, 'onnx/shape-mismatch', `shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast`);
          return [out];
        }
      : undefined,
  };
}

/** ONNX Round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function unary(tfOp: (x: tf.Tensor) => tf.Tensor, hostOp?: (x: number) => number): OpTranslator {
  return {
    run: (ctx, inputs) => [tfOp(ctx.tensor(required(ctx, inputs, 0)))],
    host: hostOp ? (ctx, inputs) => [hostUnary(required(ctx, inputs, 0) as HostTensor, hostOp)] : undefined,
  };
}

/** Sum, Max, Min, Mean of one or more inputs with broadcasting (Keras exports Add as Sum). */
function variadic(pair: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, mean = false): OpTranslator {
  return {
    run(ctx, inputs) {
      const parts = inputs.filter((v): v is Value => v !== undefined).map((v) => ctx.tensor(v));
      if (parts.length === 0) fail(ctx, 'onnx/invalid-model', 'no inputs');
      let acc = parts[0];
      for (const part of parts.slice(1)) {
        checkBroadcast(ctx, acc.shape, part.shape);
        acc = pair(acc, part);
      }
      return [mean ? tf.div(acc, parts.length) : acc];
    },
  };
}

export const elementwiseOps: OpTable = {
  Add: binary(tf.add, (a, b) => a + b),
  Sub: binary(tf.sub, (a, b) => a - b),
  Mul: binary(tf.mul, (a, b) => a * b),
  // ONNX integer Div truncates toward zero.
  Div: binary(tf.div, (a, b, int) => (int ? Math.trunc(a / b) : a / b)),
  Pow: {
    run(ctx, inputs) {
      const exponent = required(ctx, inputs, 1);
      // tf.pow goes through exp/log (an ulp off for a square); the exponents written-out norms use are exact here.
      const fixed = isHost(exponent) && exponent.data.length === 1 ? exponent.data[0] : undefined;
      if (fixed === 2 || fixed === 0.5 || fixed === 1) {
        const x = ctx.tensor(required(ctx, inputs, 0));
        checkBroadcast(ctx, x.shape, exponent.shape);
        const y = fixed === 2 ? tf.square(x) : fixed === 0.5 ? tf.sqrt(x) : x;
        return [exponent.shape.length > x.rank ? tf.reshape(y, [...new Array<number>(exponent.shape.length - x.rank).fill(1), ...x.shape]) : y];
      }
      return binary(tf.pow, undefined).run(ctx, inputs);
    },
  },
  Neg: unary(tf.neg, (x) => -x),
  Sqrt: unary(tf.sqrt),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Abs: unary(tf.abs),
  Reciprocal: unary(tf.reciprocal),
  Sin: unary(tf.sin, Math.sin),
  Cos: unary(tf.cos, Math.cos),
  Floor: unary(tf.floor, Math.floor),
  Ceil: unary(tf.ceil, Math.ceil),
  Round: unary(tf.round, roundHalfEven),
  Sign: unary(tf.sign, Math.sign),
  Sum: variadic(tf.add),
  Mean: variadic(tf.add, true),
  Max: variadic(tf.maximum),
  Min: variadic(tf.minimum),
};
