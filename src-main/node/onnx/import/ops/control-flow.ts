// If with a condition known when the graph runs: exporters guard shapes (`GreaterOrEqual(Shape(x)[1], c)`), and
// shapes are host values here, so the condition folds and only the taken branch is translated and differentiated.
// A condition computed from data values would make f(x) piecewise in a way autodiff cannot follow: refused.
// Also the comparisons and logic such guards (and Where masks) are made of.
import * as tf from '@tensorflow/tfjs-core';
import { hostTensor, isHost, type HostTensor } from '../ir';
import { broadcastShape, hostBinary, hostUnary } from './host-math';
import { fail, required } from './op-values';
import type { OpContext, OpTable, OpTranslator } from './op-types';

const ifOp: OpTranslator = {
  run(ctx, inputs) {
    const cond = required(ctx, inputs, 0);
    if (!isHost(cond))
      fail(ctx, 'onnx/unsupported-op', 'the condition depends on the data values, not only on shapes or constants; only an If whose condition is known from shapes is supported');
    if (cond.data.length !== 1) fail(ctx, 'onnx/invalid-model', `the condition holds ${cond.data.length} values, not one`);
    if (!ctx.runSubgraph) fail(ctx, 'onnx/unsupported-op', 'a branch cannot run here');
    const branch = ctx.attrs.graph(cond.data[0] !== 0 ? 'then_branch' : 'else_branch');
    const outputs = ctx.runSubgraph(branch);
    if (outputs.length !== ctx.node.outputs.length) fail(ctx, 'onnx/invalid-model', `the branch returns ${outputs.length} values for ${ctx.node.outputs.length} outputs`);
    return outputs;
  },
};

/**
 * A comparison or logic op: on host values (shape guards) a bool host tensor; on data a bool tensor, which carries no
 * gradient and may only select (Where) or be refused where it would decide control flow (If).
 */
function predicate(op: (a: number, b: number) => number, tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, arity: 1 | 2): OpTranslator {
  const host = (ctx: OpContext, inputs: readonly (HostTensor | undefined)[]): HostTensor[] => {
    const a = required(ctx, inputs, 0);
    if (arity === 1) return [hostTensor('bool', a.shape, hostUnary(a, (v) => op(v, 0)).data)];
    const b = required(ctx, inputs, 1);
    const out = hostBinary(a, b, op, 'bool');
    if (!out) fail(ctx, 'onnx/shape-mismatch', `shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast`);
    return [out];
  };
  return {
    run(ctx, inputs) {
      const a = ctx.tensor(required(ctx, inputs, 0));
      const b = arity === 2 ? ctx.tensor(required(ctx, inputs, 1)) : a;
      if (arity === 2 && !broadcastShape(a.shape, b.shape)) fail(ctx, 'onnx/shape-mismatch', `shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast`);
      return [tfOp(a, b)];
    },
    host,
  };
}

const bool = (v: boolean) => (v ? 1 : 0);
const truthy = (t: tf.Tensor) => tf.notEqual(t, 0);

export const controlFlowOps: OpTable = {
  If: ifOp,
  Equal: predicate((a, b) => bool(a === b), tf.equal, 2),
  Greater: predicate((a, b) => bool(a > b), tf.greater, 2),
  GreaterOrEqual: predicate((a, b) => bool(a >= b), tf.greaterEqual, 2),
  Less: predicate((a, b) => bool(a < b), tf.less, 2),
  LessOrEqual: predicate((a, b) => bool(a <= b), tf.lessEqual, 2),
  And: predicate((a, b) => bool(a !== 0 && b !== 0), (a, b) => tf.logicalAnd(truthy(a), truthy(b)), 2),
  Or: predicate((a, b) => bool(a !== 0 || b !== 0), (a, b) => tf.logicalOr(truthy(a), truthy(b)), 2),
  Xor: predicate((a, b) => bool((a !== 0) !== (b !== 0)), (a, b) => tf.logicalXor(truthy(a), truthy(b)), 2),
  Not: predicate((a) => bool(a === 0), (a) => tf.logicalNot(truthy(a)), 1),
};
