// Gemm (transA, transB, alpha, beta, optional C) and MatMul (numpy semantics: 1-D promotion, batched leading dims).
// Weights enter through explicit-transpose products so backprop stays fast on tfjs-wasm.
import * as tf from '@tensorflow/tfjs-core';
import { denseProduct } from '../../../../core/models/dense-op';
import { matmul2d } from './matmul-grad';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';

function rank2(ctx: OpContext, t: tf.Tensor, which: string): tf.Tensor2D {
  if (t.rank !== 2) fail(ctx, 'onnx/shape-mismatch', `${which} has shape [${t.shape.join(', ')}], Gemm needs a matrix`);
  return t as tf.Tensor2D;
}

function gemm(ctx: OpContext, inputs: readonly (Value | undefined)[]): tf.Tensor {
  const transA = ctx.attrs.int('transA', 0) !== 0;
  const transB = ctx.attrs.int('transB', 0) !== 0;
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  let a = rank2(ctx, ctx.tensor(required(ctx, inputs, 0)), 'A');
  const b = rank2(ctx, ctx.tensor(required(ctx, inputs, 1)), 'B');
  if (transA) a = tf.transpose(a);
  const inner = transB ? b.shape[1] : b.shape[0];
  if (a.shape[1] !== inner)
    fail(ctx, 'onnx/shape-mismatch', `A is [${a.shape.join(', ')}]${transA ? ' after transA' : ''} but B is [${b.shape.join(', ')}]${transB ? ' (transB)' : ''}: inner sizes ${a.shape[1]} and ${inner} differ`);
  guardShape(ctx, [a.shape[0], transB ? b.shape[0] : b.shape[1]]);
  let y: tf.Tensor = transB ? denseProduct(a, b) : matmul2d(a, b);
  if (alpha !== 1) y = tf.mul(y, alpha);
  const cValue = inputs[2];
  if (cValue !== undefined && beta !== 0) {
    const c = ctx.tensor(cValue);
    if (c.rank > 2 || (c.rank >= 1 && c.shape[c.rank - 1] !== 1 && c.shape[c.rank - 1] !== y.shape[1]) || (c.rank === 2 && c.shape[0] !== 1 && c.shape[0] !== y.shape[0]))
      fail(ctx, 'onnx/shape-mismatch', `C [${c.shape.join(', ')}] does not broadcast to the product [${y.shape.join(', ')}]`);
    y = tf.add(y, beta !== 1 ? tf.mul(c, beta) : c);
  }
  return y;
}

/** numpy broadcasting of two batch shapes. */
function broadcastShape(ctx: OpContext, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[i - rank + a.length] ?? 1;
    const db = b[i - rank + b.length] ?? 1;
    if (da !== db && da !== 1 && db !== 1) fail(ctx, 'onnx/shape-mismatch', `batch dims [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return da === 1 ? db : da;
  });
}

/** numpy matmul: 1-D operands are promoted and the added dim dropped; a 2-D right operand is a weight (fast path). */
function matmul(ctx: OpContext, inputs: readonly (Value | undefined)[]): tf.Tensor {
  let a = ctx.tensor(required(ctx, inputs, 0));
  let b = ctx.tensor(required(ctx, inputs, 1));
  const aVector = a.rank === 1;
  const bVector = b.rank === 1;
  if (a.rank === 0 || b.rank === 0) fail(ctx, 'onnx/shape-mismatch', 'MatMul operands must have rank >= 1');
  if (aVector) a = tf.reshape(a, [1, a.shape[0]]);
  if (bVector) b = tf.reshape(b, [b.shape[0], 1]);
  const k = a.shape[a.rank - 1];
  if (b.shape[b.rank - 2] !== k) fail(ctx, 'onnx/shape-mismatch', `inner sizes differ: [${a.shape.join(', ')}] x [${b.shape.join(', ')}]`);
  guardShape(ctx, [...(a.rank >= b.rank ? a.shape : b.shape).slice(0, -2), a.shape[a.rank - 2], b.shape[b.rank - 1]]);
  let y: tf.Tensor;
  if (b.rank === 2) {
    const lead = a.shape.slice(0, -1);
    const flat = matmul2d(tf.reshape(a, [-1, k]) as tf.Tensor2D, b as tf.Tensor2D);
    y = tf.reshape(flat, [...lead, (b as tf.Tensor2D).shape[1]]);
  } else if (a.rank === 2) {
    // A 2-D left operand (a weight mixing tokens: W [p, k] times x [..., k, m]) as one 2-D product over k: tfjs's
    // BatchMatMul gradient does not reduce a broadcast operand, so tf.matMul here would leave W without a gradient.
    const r = b.rank;
    const lead = b.shape.slice(0, -2);
    const m = b.shape[r - 1];
    const bk = tf.reshape(tf.transpose(b, [r - 2, ...lead.map((_, i) => i), r - 1]), [k, -1]) as tf.Tensor2D;
    const flat = tf.reshape(matmul2d(a as tf.Tensor2D, bk), [a.shape[0], ...lead, m]);
    y = tf.transpose(flat, [...lead.map((_, i) => i + 1), 0, r - 1]);
  } else {
    // Batch dims broadcast explicitly: tfjs's BatchMatMul gradient keeps the broadcast shape, which its engine rejects,
    // while broadcastTo's gradient sums back over the broadcast axes.
    const batch = broadcastShape(ctx, a.shape.slice(0, -2), b.shape.slice(0, -2));
    const full = (t: tf.Tensor) => (t.rank - 2 === batch.length && t.shape.slice(0, -2).every((d, i) => d === batch[i]) ? t : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]));
    y = tf.matMul(full(a), full(b));
  }
  if (aVector) y = tf.squeeze(y, [y.rank - 2]);
  if (bVector) y = tf.squeeze(y, [y.rank - 1]);
  return y;
}

export const gemmMatmulOps: OpTable = {
  Gemm: { run: (ctx, inputs) => [gemm(ctx, inputs)], paramSlots: [1, 2] },
  MatMul: { run: (ctx, inputs) => [matmul(ctx, inputs)], paramSlots: [0, 1] },
};
