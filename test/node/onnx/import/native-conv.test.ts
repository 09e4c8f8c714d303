// The translated Conv on the backend's own convolution (native-conv.ts): its value and both gradients (tfjs autodiff
// through its custom gradient) against the convolution and its adjoints written from the definition in float64, for
// symmetric, asymmetric and no padding, non-square kernels and several samples; and the windows it leaves to im2col.
// Tolerance 1e-5 of the largest entry: float32 sums of at most c kh kw (value, dx) or n oh ow (dW) products.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, normalArray } from '../../../../src-main/core/random';
import { initBackend } from '../../../../src-main/node/backend';
import { nativeConv2d, nativeConvApplies } from '../../../../src-main/node/onnx/import/ops/native-conv';
import type { WindowGeometry } from '../../../../src-main/node/onnx/import/ops/window-geometry';
import { relErr } from '../../../helpers/rel-err';

interface Case {
  readonly name: string;
  readonly n: number;
  readonly c: number;
  readonly out: number;
  readonly hw: [number, number];
  readonly kernel: [number, number];
  /** [top, left, bottom, right] */
  readonly pads: [number, number, number, number];
}

const cases: Case[] = [
  { name: '3x3, pads 1 (a CNN20 layer)', n: 2, c: 3, out: 4, hw: [7, 5], kernel: [3, 3], pads: [1, 1, 1, 1] },
  { name: '3x2 kernel, asymmetric pads', n: 3, c: 2, out: 3, hw: [6, 7], kernel: [3, 2], pads: [2, 0, 1, 1] },
  { name: '1x1, no pads', n: 1, c: 4, out: 2, hw: [3, 4], kernel: [1, 1], pads: [0, 0, 0, 0] },
  { name: '5x5, pads 2, one input channel', n: 2, c: 1, out: 3, hw: [8, 6], kernel: [5, 5], pads: [2, 2, 2, 2] },
];

function geometry(c: Case): WindowGeometry {
  const output = [0, 1].map((i) => c.hw[i] + c.pads[i] + c.pads[i + 2] - c.kernel[i] + 1);
  return { kernel: c.kernel, strides: [1, 1], dilations: [1, 1], begin: [c.pads[0], c.pads[1]], end: [c.pads[2], c.pads[3]], ceilExtra: [0, 0], output };
}

/** y, and for a cotangent gy the adjoints dx and dW, of y = conv(x, W) from the definition, in float64. */
function reference(c: Case, x: Float32Array, w: Float32Array, gy: Float32Array) {
  const [h, wd] = c.hw;
  const [kh, kw] = c.kernel;
  const [oh, ow] = geometry(c).output;
  const y = new Float64Array(c.n * c.out * oh * ow);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let s = 0; s < c.n; s++)
    for (let o = 0; o < c.out; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const at = ((s * c.out + o) * oh + oy) * ow + ox;
          for (let ch = 0; ch < c.c; ch++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const iy = oy - c.pads[0] + ki;
                const ix = ox - c.pads[1] + kj;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const xi = ((s * c.c + ch) * h + iy) * wd + ix;
                const wi = ((o * c.c + ch) * kh + ki) * kw + kj;
                y[at] += w[wi] * x[xi];
                dx[xi] += w[wi] * gy[at];
                dw[wi] += x[xi] * gy[at];
              }
        }
  return { y, dx, dw };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('native conv (backend convolution, custom gradient) equals the convolution and its adjoints', () => {
  for (const c of cases)
    it(c.name, () => {
      const g = geometry(c);
      const rng = createRng(21, c.name);
      const x = normalArray(rng, c.n * c.c * c.hw[0] * c.hw[1]);
      const w = normalArray(rng, c.out * c.c * c.kernel[0] * c.kernel[1]);
      const gy = normalArray(rng, c.n * c.out * g.output[0] * g.output[1]);
      const want = reference(c, x, w, gy);
      const xt = tf.tensor4d(x, [c.n, c.c, c.hw[0], c.hw[1]]);
      const wt = tf.tensor4d(w, [c.out, c.c, c.kernel[0], c.kernel[1]]);
      const gyt = tf.tensor4d(gy, [c.n, c.out, g.output[0], g.output[1]]);
      const y = nativeConv2d(xt, wt, g);
      expect(y.shape).toEqual([c.n, c.out, g.output[0], g.output[1]]);
      expect(relErr(y.dataSync(), want.y)).toBeLessThan(1e-5);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(nativeConv2d(a as tf.Tensor4D, b as tf.Tensor4D, g), gyt)))([xt, wt]);
      expect(dx.shape).toEqual(xt.shape);
      expect(dw.shape).toEqual(wt.shape);
      expect(relErr(dx.dataSync(), want.dx)).toBeLessThan(1e-5);
      expect(relErr(dw.dataSync(), want.dw)).toBeLessThan(1e-5);
      tf.dispose([xt, wt, gyt, y, dx, dw]);
    });

  it('leaves grouped, strided and dilated windows to im2col', () => {
    const g = geometry(cases[0]);
    expect(nativeConvApplies(1, g)).toBe(true);
    expect(nativeConvApplies(2, g)).toBe(false);
    expect(nativeConvApplies(1, { ...g, strides: [2, 1] })).toBe(false);
    expect(nativeConvApplies(1, { ...g, dilations: [1, 2] })).toBe(false);
  });
});
