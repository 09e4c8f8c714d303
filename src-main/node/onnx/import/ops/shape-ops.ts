// Layout ops on tensors and on host constants alike: Reshape (0 copies, -1 infers, allowzero), Flatten, Transpose,
// Squeeze/Unsqueeze (axes as attribute before opset 13, as input after), Concat, Expand, Identity, Dropout (identity).
import * as tf from '@tensorflow/tfjs-core';
import { hostTensor, isHost, sizeOf, type HostTensor } from '../ir';
import { hostExpand, hostTranspose } from './host-math';
import { constant, constantInts, fail, guardShape, normAxis, required, reshapeTo, shapeOf } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';

/** The output of an op that only changes the shape, on either kind of value. */
function reshaped(ctx: OpContext, x: Value, shape: readonly number[]): Value {
  guardShape(ctx, shape);
  if (isHost(x)) {
    if (sizeOf(shape) !== x.data.length) fail(ctx, 'onnx/shape-mismatch', `cannot reshape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
    return hostTensor(x.dtype, shape, x.data);
  }
  return reshapeTo(ctx, x, shape);
}

/** A translator whose host and tensor paths are the same function of values. */
function both(f: (ctx: OpContext, inputs: readonly (Value | undefined)[]) => Value[]): OpTranslator {
  return { run: f, host: (ctx, inputs) => f(ctx, inputs) as HostTensor[] };
}

function reshapeTarget(ctx: OpContext, inputs: readonly (Value | undefined)[]): number[] {
  const x = required(ctx, inputs, 0);
  const inShape = shapeOf(x);
  const spec = ctx.opset >= 5 ? (constantInts(ctx, inputs, 1, 'shape') ?? fail(ctx, 'onnx/invalid-model', 'no shape input')) : [...ctx.attrs.ints('shape')];
  const allowZero = ctx.attrs.int('allowzero', 0) !== 0;
  const out = spec.map((d, i) => (d === 0 && !allowZero ? (inShape[i] ?? fail(ctx, 'onnx/shape-mismatch', `shape entry ${i} is 0 (copy) but the input has rank ${inShape.length}`)) : d));
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1 || out.some((d) => d < -1 || !Number.isInteger(d))) fail(ctx, 'onnx/invalid-model', `shape [${spec.join(', ')}] is not a valid Reshape target`);
  if (unknown === 1) {
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const total = sizeOf(inShape);
    if (known === 0 || total % known !== 0) fail(ctx, 'onnx/shape-mismatch', `cannot reshape [${inShape.join(', ')}] to [${spec.join(', ')}]`);
    out[out.indexOf(-1)] = total / known;
  }
  return out;
}

function axesOf(ctx: OpContext, inputs: readonly (Value | undefined)[]): number[] | undefined {
  return ctx.opset >= 13 ? constantInts(ctx, inputs, 1, 'axes') : ctx.attrs.has('axes') ? [...ctx.attrs.ints('axes')] : undefined;
}

function squeeze(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = required(ctx, inputs, 0);
  const shape = shapeOf(x);
  const axes = axesOf(ctx, inputs)?.map((a) => normAxis(ctx, a, shape.length)) ?? shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (shape[a] !== 1) fail(ctx, 'onnx/shape-mismatch', `cannot squeeze axis ${a} of size ${shape[a]}`);
  return [reshaped(ctx, x, shape.filter((_, i) => !axes.includes(i)))];
}

function unsqueeze(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = required(ctx, inputs, 0);
  const shape = shapeOf(x);
  const axes = axesOf(ctx, inputs) ?? fail(ctx, 'onnx/invalid-model', 'Unsqueeze needs axes');
  const rank = shape.length + axes.length;
  const at = new Set(axes.map((a) => normAxis(ctx, a, rank)));
  if (at.size !== axes.length) fail(ctx, 'onnx/invalid-model', `repeated axes [${axes.join(', ')}]`);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[next++]);
  return [reshaped(ctx, x, out)];
}

function flatten(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = required(ctx, inputs, 0);
  const shape = shapeOf(x);
  const axis = ctx.attrs.int('axis', 1);
  const a = axis < 0 ? axis + shape.length : axis;
  if (a < 0 || a > shape.length) fail(ctx, 'onnx/shape-mismatch', `axis ${axis} is out of range for rank ${shape.length}`);
  return [reshaped(ctx, x, [sizeOf(shape.slice(0, a)), sizeOf(shape.slice(a))])];
}

function transpose(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = required(ctx, inputs, 0);
  const rank = shapeOf(x).length;
  const perm = ctx.attrs.ints('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  if (perm.length !== rank || new Set(perm.map((p) => normAxis(ctx, p, rank))).size !== rank) fail(ctx, 'onnx/invalid-model', `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  const p = perm.map((v) => normAxis(ctx, v, rank));
  return [isHost(x) ? hostTranspose(x, p) : tf.transpose(x, p)];
}

function concat(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const parts = inputs.filter((v): v is Value => v !== undefined);
  if (parts.length === 0) fail(ctx, 'onnx/invalid-model', 'Concat of nothing');
  const rank = shapeOf(parts[0]).length;
  const axis = normAxis(ctx, ctx.attrs.int('axis'), rank);
  for (const part of parts) {
    const s = shapeOf(part);
    if (s.length !== rank || s.some((d, i) => i !== axis && d !== shapeOf(parts[0])[i]))
      fail(ctx, 'onnx/shape-mismatch', `cannot concatenate [${s.join(', ')}] with [${shapeOf(parts[0]).join(', ')}] on axis ${axis}`);
  }
  if (parts.every(isHost)) {
    const shape = [...parts[0].shape];
    shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
    const outer = sizeOf(shape.slice(0, axis));
    const data = new Float64Array(sizeOf(shape));
    let offset = 0;
    for (let o = 0; o < outer; o++)
      for (const p of parts) {
        const block = sizeOf(p.shape.slice(axis));
        data.set(p.data.subarray(o * block, (o + 1) * block), offset);
        offset += block;
      }
    const dtype = parts.every((p) => p.dtype === 'int') ? 'int' : parts[0].dtype;
    return [hostTensor(dtype, shape, data)];
  }
  return [tf.concat(parts.map((p) => ctx.tensor(p)), axis)];
}

function expand(ctx: OpContext, inputs: readonly (Value | undefined)[]): Value[] {
  const x = required(ctx, inputs, 0);
  const target = Array.from(constant(ctx, inputs, 1, 'shape').data);
  const shape = shapeOf(x);
  const rank = Math.max(shape.length, target.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const a = shape[shape.length - rank + i] ?? 1;
    const b = target[target.length - rank + i] ?? 1;
    if (a !== b && a !== 1 && b !== 1) fail(ctx, 'onnx/shape-mismatch', `[${shape.join(', ')}] does not expand to [${target.join(', ')}]`);
    out.push(a === 1 ? b : a);
  }
  guardShape(ctx, out);
  return [isHost(x) ? hostExpand(x, out) : tf.broadcastTo(tf.reshape(x, [...new Array<number>(rank - shape.length).fill(1), ...shape]), out)];
}

const identity = both((ctx, inputs) => [required(ctx, inputs, 0)]);

export const shapeOps: OpTable = {
  Reshape: both((ctx, inputs) => [reshaped(ctx, required(ctx, inputs, 0), reshapeTarget(ctx, inputs))]),
  Flatten: both(flatten),
  Transpose: both(transpose),
  Squeeze: both(squeeze),
  Unsqueeze: both(unsqueeze),
  Concat: both(concat),
  Expand: both(expand),
  Identity: identity,
  // Inference semantics: the optional mask output is never produced (a graph reading it is refused).
  Dropout: both((ctx, inputs) => [required(ctx, inputs, 0)]),
};
