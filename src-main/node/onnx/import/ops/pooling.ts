// MaxPool, AveragePool (pads, strides, ceil mode, count_include_pad; MaxPool dilations) on im2col windows, and the
// global pools as reductions. Windows are built with pad + slice, so gradients exist on every backend; a MaxPool whose
// windows tile its input (2 x 2 stride 2, the common case) is two reductions instead.
import * as tf from '@tensorflow/tfjs-core';
import { spatial2d } from './conv';
import { extractPatches } from './patches';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable, OpTranslator } from './op-types';
import { windowGeometry, type WindowGeometry } from './window-geometry';

function kernelOf(ctx: OpContext): [number, number] {
  const kernel = ctx.attrs.ints('kernel_shape');
  if (kernel.length !== 2) fail(ctx, 'onnx/shape-mismatch', `kernel_shape [${kernel.join(', ')}] is not 2-D`);
  return [kernel[0], kernel[1]];
}

/** How many window cells count toward each output's average, [oh, ow] (host-computed: it depends only on geometry). */
export function divisors(g: WindowGeometry, spatial: readonly number[], includePad: boolean): Float32Array {
  const counts = (axis: number) =>
    Array.from({ length: g.output[axis] }, (_, o) => {
      const lo = includePad ? 0 : g.begin[axis];
      const hi = includePad ? spatial[axis] + g.begin[axis] + g.end[axis] - g.ceilExtra[axis] : g.begin[axis] + spatial[axis];
      let count = 0;
      for (let k = 0; k < g.kernel[axis]; k++) {
        const at = o * g.strides[axis] + k * g.dilations[axis];
        if (at >= lo && at < hi) count++;
      }
      return count;
    });
  const rows = counts(0);
  const cols = counts(1);
  return Float32Array.from({ length: rows.length * cols.length }, (_, i) => rows[Math.floor(i / cols.length)] * cols[i % cols.length]);
}

/**
 * MaxPool over windows that tile x [n, c, h, w] (kernel = strides, no dilation, no padding; rows and columns that no
 * window reads are sliced off): two reductions over rank-3 folds, [n c oh, kh, ow kw] then [n c oh ow, kw], instead of
 * kh kw strided slices (four kernels instead of about 5 kh kw on tfjs-wasm). The same values, and the same gradient: a
 * tied maximum gets dy through both reductions exactly when it gets it through one. Undefined for other windows.
 */
function tiledMaxPool(x: tf.Tensor4D, g: WindowGeometry): tf.Tensor4D | undefined {
  const tiles = [0, 1].every((a) => g.kernel[a] === g.strides[a] && g.dilations[a] === 1 && g.begin[a] === 0 && g.end[a] === 0);
  if (!tiles) return undefined;
  const [n, c, h, w] = x.shape;
  const [kh, kw] = g.kernel;
  const [oh, ow] = g.output;
  const read = oh * kh === h && ow * kw === w ? x : tf.slice(x, [0, 0, 0, 0], [n, c, oh * kh, ow * kw]);
  const rows = tf.max(tf.reshape(read, [n * c * oh, kh, ow * kw]), 1);
  return tf.reshape(tf.max(tf.reshape(rows, [n * c * oh * ow, kw]), 1), [n, c, oh, ow]) as tf.Tensor4D;
}

function pool(kind: 'max' | 'average'): OpTranslator {
  return {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const y = spatial2d(ctx, x, (ctx2d, x4) => {
        if (kind === 'average' && ctx2d.attrs.ints('dilations', [1, 1]).some((d) => d !== 1)) fail(ctx, 'onnx/unsupported-op', 'dilated AveragePool');
        const g = windowGeometry(ctx2d, [x4.shape[2], x4.shape[3]], kernelOf(ctx2d));
        const [n, c] = x4.shape;
        guardShape(ctx, [n, c, x4.shape[2] + g.begin[0] + g.end[0], x4.shape[3] + g.begin[1] + g.end[1]]);
        guardShape(ctx, [n, c, g.kernel[0] * g.kernel[1], ...g.output]);
        const tiled = kind === 'max' ? tiledMaxPool(x4, g) : undefined;
        if (tiled) return tiled;
        const patches = extractPatches(x4, g, kind === 'max' ? -Infinity : 0);
        if (kind === 'max') return tf.max(patches, 2) as tf.Tensor4D;
        const counts = divisors(g, [x4.shape[2], x4.shape[3]], ctx2d.attrs.int('count_include_pad', 0) !== 0);
        return tf.div(tf.sum(patches, 2), tf.tensor(counts, [1, 1, g.output[0], g.output[1]])) as tf.Tensor4D;
      });
      // MaxPool's optional Indices output is not produced: a graph that reads it is refused by the program.
      return [y];
    },
  };
}

function globalPool(reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor): OpTranslator {
  return {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (x.rank < 3) fail(ctx, 'onnx/shape-mismatch', `input [${x.shape.join(', ')}] has no spatial axes`);
      return [reduce(x, Array.from({ length: x.rank - 2 }, (_, i) => i + 2))];
    },
  };
}

export const poolingOps: OpTable = {
  MaxPool: pool('max'),
  AveragePool: pool('average'),
  GlobalAveragePool: globalPool((x, axes) => tf.mean(x, axes, true)),
  GlobalMaxPool: globalPool((x, axes) => tf.max(x, axes, true)),
};
