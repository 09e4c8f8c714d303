// Split (sizes as an attribute before opset 13, an input after, or num_outputs at 18; equal parts by default) and
// Tile (repeats as a constant input), on tensors and on host constants alike.
import * as tf from '@tensorflow/tfjs-core';
import { hostTensor, isHost, sizeOf, type HostTensor } from '../ir';
import { stridesOf } from './host-math';
import { constantInts, fail, guardShape, normAxis, required, shapeOf } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';
import { sliceAxis } from './slice-runs';

function splitSizes(ctx: OpContext, inputs: readonly (Value | undefined)[], dim: number): number[] {
  const parts = ctx.node.outputs.length;
  const given = ctx.opset >= 13 ? constantInts(ctx, inputs, 1, 'split') : ctx.attrs.has('split') ? [...ctx.attrs.ints('split')] : undefined;
  if (given) {
    if (given.length !== parts || given.some((s) => !Number.isInteger(s) || s < 0) || given.reduce((a, b) => a + b, 0) !== dim)
      fail(ctx, 'onnx/shape-mismatch', `split [${given.join(', ')}] does not cut an axis of ${dim} into ${parts} parts`);
    return given;
  }
  const count = ctx.opset >= 18 && ctx.attrs.has('num_outputs') ? ctx.attrs.int('num_outputs') : parts;
  // Opset 18: parts of ceil(dim / count), the last one smaller.
  const size = Math.ceil(dim / count);
  if (count !== parts || (ctx.opset < 18 && dim % count !== 0)) fail(ctx, 'onnx/shape-mismatch', `an axis of ${dim} does not split into ${parts} equal parts`);
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(size, dim - i * size)));
}

function hostSliceAxis(x: HostTensor, axis: number, begin: number, size: number): HostTensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const dim = x.shape[axis];
  const out = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * dim + begin) * inner, (o * dim + begin + size) * inner), o * size * inner);
  return hostTensor(x.dtype, [...x.shape.slice(0, axis), size, ...x.shape.slice(axis + 1)], out);
}

const split: OpTranslator = {
  run(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const shape = shapeOf(x);
    const axis = normAxis(ctx, ctx.attrs.int('axis', 0), shape.length);
    const sizes = splitSizes(ctx, inputs, shape[axis]);
    let begin = 0;
    return sizes.map((size) => {
      const at = begin;
      begin += size;
      if (isHost(x)) return hostSliceAxis(x, axis, at, size);
      return sliceAxis(x, axis, at, size);
    });
  },
  host: (ctx, inputs) => split.run(ctx, inputs) as HostTensor[],
};

const tile: OpTranslator = {
  run(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const shape = shapeOf(x);
    const repeats = constantInts(ctx, inputs, 1, 'repeats') ?? fail(ctx, 'onnx/invalid-model', 'Tile needs repeats');
    if (repeats.length !== shape.length || repeats.some((r) => !Number.isInteger(r) || r < 0)) fail(ctx, 'onnx/shape-mismatch', `repeats [${repeats.join(', ')}] for an input of rank ${shape.length}`);
    const out = shape.map((d, i) => d * repeats[i]);
    guardShape(ctx, out);
    if (!isHost(x)) return [tf.tile(x, repeats)];
    const data = new Float64Array(sizeOf(out));
    const os = stridesOf(out);
    const is = stridesOf(shape);
    for (let i = 0; i < data.length; i++) {
      let src = 0;
      for (let d = 0; d < out.length; d++) src += ((Math.floor(i / os[d]) % out[d]) % shape[d]) * is[d];
      data[i] = x.data[src];
    }
    return [hostTensor(x.dtype, out, data)];
  },
  host: (ctx, inputs) => tile.run(ctx, inputs) as HostTensor[],
};

export const splitTileOps: OpTable = { Split: split, Tile: tile };
