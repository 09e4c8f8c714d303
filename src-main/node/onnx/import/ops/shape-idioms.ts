// The ops exporters emit to compute static reshapes from runtime shapes (Shape -> Gather/Slice -> Concat -> Reshape)
// plus Constant, ConstantOfShape and Cast. Shape of a tensor is known eagerly in tfjs, so these run on the host and
// the symbolic batch dim resolves on every call.
import * as tf from '@tensorflow/tfjs-core';
import { TensorProtoDataType as DT } from '../../onnx-schema';
import { hostTensor, isFloat, isHost, sizeOf, type HostDtype, type HostTensor } from '../ir';
import { stridesOf } from './host-math';
import { constant, constantInts, fail, guardShape, normAxis, required, shapeOf } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';
import { everyNth, sliceAxis, sliceBox } from './slice-runs';

function shape(ctx: OpContext, inputs: readonly (Value | undefined)[]): HostTensor[] {
  const dims = shapeOf(required(ctx, inputs, 0));
  const clamp = (v: number) => Math.min(dims.length, Math.max(0, v < 0 ? v + dims.length : v));
  const start = clamp(ctx.attrs.int('start', 0));
  const end = clamp(ctx.attrs.int('end', dims.length));
  const picked = dims.slice(start, Math.max(start, end));
  return [hostTensor('int', [picked.length], Float64Array.from(picked))];
}

/** numpy take along `axis` on the host. */
function hostGather(ctx: OpContext, data: HostTensor, indices: HostTensor, axis: number): HostTensor {
  const dim = data.shape[axis];
  const outer = sizeOf(data.shape.slice(0, axis));
  const inner = sizeOf(data.shape.slice(axis + 1));
  const out = new Float64Array(outer * indices.data.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++)
    for (const raw of indices.data) {
      const i = raw < 0 ? raw + dim : raw;
      if (!(i >= 0 && i < dim)) fail(ctx, 'onnx/shape-mismatch', `index ${raw} is out of range for axis ${axis} of size ${dim}`);
      for (let j = 0; j < inner; j++) out[k++] = data.data[(o * dim + i) * inner + j];
    }
  return hostTensor(data.dtype, [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)], out);
}

const gather: OpTranslator = {
  run(ctx, inputs) {
    const data = required(ctx, inputs, 0);
    const indices = constant(ctx, inputs, 1, 'indices');
    const axis = normAxis(ctx, ctx.attrs.int('axis', 0), shapeOf(data).length);
    if (isHost(data)) return [hostGather(ctx, data, indices, axis)];
    const dim = data.shape[axis];
    const flat = Array.from(indices.data, (i) => (i < 0 ? i + dim : i));
    if (flat.some((i) => !(i >= 0 && i < dim))) fail(ctx, 'onnx/shape-mismatch', `an index is out of range for axis ${axis} of size ${dim}`);
    const outShape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
    guardShape(ctx, outShape);
    // Slices, not tf.gather: Gather's gradient needs UnsortedSegmentSum, which tfjs-wasm does not have.
    const rows = flat.map((i) => sliceAxis(data, axis, i, 1));
    const taken = rows.length === 1 ? rows[0] : rows.length === 0 ? tf.zeros(outShape) : tf.concat(rows, axis);
    return [tf.reshape(taken, outShape)];
  },
  host: (ctx, inputs) => gather.run(ctx, inputs) as HostTensor[],
};

interface SliceSpec {
  readonly begin: number[];
  readonly step: number[];
  readonly size: number[];
}

/** ONNX Slice semantics (clamping, negative indices and steps) resolved per axis. */
function sliceSpec(ctx: OpContext, inputs: readonly (Value | undefined)[]): SliceSpec {
  const dims = shapeOf(required(ctx, inputs, 0));
  const starts = ctx.opset >= 10 ? (constantInts(ctx, inputs, 1, 'starts') ?? []) : [...ctx.attrs.ints('starts')];
  const ends = ctx.opset >= 10 ? (constantInts(ctx, inputs, 2, 'ends') ?? []) : [...ctx.attrs.ints('ends')];
  const axes = (ctx.opset >= 10 ? constantInts(ctx, inputs, 3, 'axes') : ctx.attrs.has('axes') ? [...ctx.attrs.ints('axes')] : undefined) ?? starts.map((_, i) => i);
  const steps = (ctx.opset >= 10 ? constantInts(ctx, inputs, 4, 'steps') : undefined) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) fail(ctx, 'onnx/invalid-model', 'starts, ends, axes and steps differ in length');
  const begin = dims.map(() => 0);
  const step = dims.map(() => 1);
  const size = [...dims];
  axes.forEach((rawAxis, i) => {
    const axis = normAxis(ctx, rawAxis, dims.length);
    const dim = dims[axis];
    const s = steps[i];
    if (!Number.isInteger(s) || s === 0) fail(ctx, 'onnx/invalid-model', `step ${s}`);
    const norm = (v: number) => (v < 0 ? v + dim : v);
    const lo = s > 0 ? 0 : -1;
    const hi = s > 0 ? dim : dim - 1;
    const b = Math.min(hi, Math.max(lo, norm(starts[i])));
    const e = Math.min(hi, Math.max(lo, norm(ends[i])));
    begin[axis] = b;
    step[axis] = s;
    size[axis] = Math.max(0, Math.ceil((e - b) / s));
  });
  return { begin, step, size };
}

function hostSlice(x: HostTensor, spec: SliceSpec): HostTensor {
  const out = new Float64Array(sizeOf(spec.size));
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(spec.size);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = 0; d < spec.size.length; d++) src += (spec.begin[d] + (Math.floor(i / outStrides[d]) % spec.size[d]) * spec.step[d]) * inStrides[d];
    out[i] = x.data[src];
  }
  return hostTensor(x.dtype, spec.size, out);
}

/**
 * Every |step|-th element of `axis` from `begin`, `size` of them, with ops that have gradients on every backend
 * (tfjs has none for StridedSlice, and Gather's needs UnsortedSegmentSum, which wasm lacks): reverse for negative
 * steps, then slice, pad to a multiple of the step, fold the step into its own axis and keep index 0.
 */
function stridedAxis(x: tf.Tensor, axis: number, begin: number, step: number, size: number): tf.Tensor {
  if (size === 0) return sliceAxis(x, axis, 0, 0);
  const t0 = step < 0 ? tf.reverse(x, axis) : x;
  const b = step < 0 ? x.shape[axis] - 1 - begin : begin;
  const s = Math.abs(step);
  const span = (size - 1) * s + 1;
  let t = sliceAxis(t0, axis, b, span);
  if (s === 1) return t;
  t = tf.pad(t, t.shape.map((_, d) => [0, d === axis ? size * s - span : 0] as [number, number]));
  return everyNth(t, axis, s);
}

const slice: OpTranslator = {
  run(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const spec = sliceSpec(ctx, inputs);
    if (isHost(x)) return [hostSlice(x, spec)];
    if (spec.step.every((s) => s === 1)) return [sliceBox(x, spec.begin, spec.size)];
    let t: tf.Tensor = x;
    spec.step.forEach((step, axis) => {
      t = step === 1 ? sliceAxis(t, axis, spec.begin[axis], spec.size[axis]) : stridedAxis(t, axis, spec.begin[axis], step, spec.size[axis]);
    });
    return [t];
  },
  host: (ctx, inputs) => slice.run(ctx, inputs) as HostTensor[],
};

const INTEGER_TYPES: ReadonlySet<number> = new Set([DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT64, DT.UINT32, DT.UINT16, DT.UINT8]);

function dtypeOfCode(code: number): HostDtype | undefined {
  if (code === DT.FLOAT || code === DT.FLOAT16 || code === DT.BFLOAT16) return 'float32';
  if (code === DT.DOUBLE) return 'float64';
  if (code === DT.BOOL) return 'bool';
  if (INTEGER_TYPES.has(code)) return 'int';
  return undefined;
}

const cast: OpTranslator = {
  run(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const to = dtypeOfCode(ctx.attrs.int('to'));
    if (!to) fail(ctx, 'onnx/unsupported-op', `Cast to element type ${ctx.attrs.int('to')}`);
    if (isHost(x)) {
      const convert = to === 'int' ? Math.trunc : to === 'bool' ? (v: number) => (v ? 1 : 0) : to === 'float32' ? Math.fround : (v: number) => v;
      return [hostTensor(to, x.shape, Float64Array.from(x.data, convert))];
    }
    // Data stays float32 in tfjs; a cast of data to integers would cut the gradient, which we refuse to hide. A mask
    // (a comparison's bool tensor) has no gradient to cut: it may become bool or float.
    if (x.dtype === 'bool' && to === 'bool') return [x];
    if (!isFloat(to)) fail(ctx, 'onnx/unsupported-op', 'Cast of data to an integer or bool type (not differentiable)');
    return [x.dtype === 'float32' ? x : tf.cast(x, 'float32')];
  },
  host: (ctx, inputs) => cast.run(ctx, inputs) as HostTensor[],
};

function constantValue(ctx: OpContext): HostTensor {
  const t = ctx.attrs.tensor('value');
  if (t) return t;
  if (ctx.attrs.has('value_float')) return hostTensor('float32', [], Float64Array.of(ctx.attrs.float('value_float')));
  if (ctx.attrs.has('value_floats')) {
    const v = ctx.attrs.floats('value_floats');
    return hostTensor('float32', [v.length], Float64Array.from(v));
  }
  if (ctx.attrs.has('value_int')) return hostTensor('int', [], Float64Array.of(ctx.attrs.int('value_int')));
  if (ctx.attrs.has('value_ints')) {
    const v = ctx.attrs.ints('value_ints');
    return hostTensor('int', [v.length], Float64Array.from(v));
  }
  return fail(ctx, 'onnx/unsupported-op', 'Constant without a numeric value (sparse or string)');
}

const constantOfShape: OpTranslator = {
  run(ctx, inputs) {
    const dims = Array.from(constant(ctx, inputs, 0, 'shape').data);
    guardShape(ctx, dims);
    const value = ctx.attrs.tensor('value') ?? hostTensor('float32', [1], Float64Array.of(0));
    if (value.data.length !== 1) fail(ctx, 'onnx/invalid-model', 'value must hold one element');
    return [hostTensor(value.dtype, dims, new Float64Array(sizeOf(dims)).fill(value.data[0]))];
  },
  host: (ctx, inputs) => constantOfShape.run(ctx, inputs) as HostTensor[],
};

export const shapeIdiomOps: OpTable = {
  Shape: { run: shape, host: shape },
  Size: {
    run: (ctx, inputs) => [hostTensor('int', [], Float64Array.of(sizeOf(shapeOf(required(ctx, inputs, 0)))))],
    host: (ctx, inputs) => [hostTensor('int', [], Float64Array.of(sizeOf(shapeOf(required(ctx, inputs, 0)))))],
  },
  Gather: gather,
  Slice: slice,
  Cast: cast,
  Constant: { run: (ctx) => [constantValue(ctx)], host: (ctx) => [constantValue(ctx)] },
  ConstantOfShape: constantOfShape,
};
