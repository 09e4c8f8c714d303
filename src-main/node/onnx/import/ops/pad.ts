// Pad: constant and reflect modes (pads as an attribute before opset 11, as an input after; axes input from 18),
// with pads that may be negative (a crop). Edge (replicate) padding has no differentiable tfjs form here.
import * as tf from '@tensorflow/tfjs-core';
import { constant, constantInts, fail, guardShape, normAxis, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';
import { sliceBox } from './slice-runs';

/** [before, after] per axis from ONNX's [b1, ..., bn, e1, ..., en] over `axes`. */
function padsPerAxis(ctx: OpContext, inputs: readonly (Value | undefined)[], rank: number): [number, number][] {
  const pads = ctx.opset >= 11 ? (constantInts(ctx, inputs, 1, 'pads') ?? fail(ctx, 'onnx/invalid-model', 'no pads input')) : [...ctx.attrs.ints('pads')];
  const axes = (ctx.opset >= 18 ? constantInts(ctx, inputs, 3, 'axes') : undefined)?.map((a) => normAxis(ctx, a, rank)) ?? Array.from({ length: rank }, (_, i) => i);
  if (pads.length !== 2 * axes.length) fail(ctx, 'onnx/invalid-model', `${pads.length} pads for ${axes.length} axes`);
  const out: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((axis, i) => (out[axis] = [pads[i], pads[i + axes.length]]));
  return out;
}

export const padOps: OpTable = {
  Pad: {
    run(ctx, inputs) {
      let x = ctx.tensor(required(ctx, inputs, 0));
      const mode = ctx.attrs.string('mode', 'constant');
      const pads = padsPerAxis(ctx, inputs, x.rank);
      guardShape(ctx, x.shape.map((d, i) => d + Math.max(0, pads[i][0]) + Math.max(0, pads[i][1])));
      // Negative pads crop first; the rest is a plain pad.
      if (pads.some(([b, e]) => b < 0 || e < 0)) {
        const begin = pads.map(([b]) => Math.max(0, -b));
        const size = x.shape.map((d, i) => d - begin[i] - Math.max(0, -pads[i][1]));
        if (size.some((s) => s < 0)) fail(ctx, 'onnx/shape-mismatch', 'negative pads crop more than the input holds');
        x = sliceBox(x, begin, size);
      }
      const positive = pads.map(([b, e]) => [Math.max(0, b), Math.max(0, e)] as [number, number]);
      if (mode === 'constant') {
        const value = ctx.opset >= 11 ? (inputs[2] === undefined ? 0 : constant(ctx, inputs, 2, 'constant_value').data[0]) : ctx.attrs.float('value', 0);
        return [tf.pad(x, positive, value)];
      }
      if (mode === 'reflect') {
        if (positive.some(([b, e], i) => b >= x.shape[i] || e >= x.shape[i])) fail(ctx, 'onnx/shape-mismatch', 'reflect pads must be smaller than the axis');
        return [tf.mirrorPad(x, positive, 'reflect')];
      }
      return fail(ctx, 'onnx/unsupported-op', `Pad mode "${mode}"`);
    },
  },
};
