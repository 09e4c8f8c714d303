// MaxPool whose windows tile its input (kernel = strides, no padding or dilation) is translated as two reductions
// instead of strided patches. Against a brute-force pool in JavaScript, on integer inputs full of ties: the values,
// and the gradient of sum(W . pool(x)), which tfjs's max sends to every tied maximum of a window, as the patches' max
// does. Also against onnxruntime's values (validateAgainstOrt), with trailing rows that no window reads.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { createRng } from '../../../../src-main/core/random';
import { openFixture } from './helpers';

interface Shape {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kernel: readonly [number, number];
}

const output = (s: Shape): [number, number] => [Math.floor(s.h / s.kernel[0]), Math.floor(s.w / s.kernel[1])];

function poolModel(s: Shape): Uint8Array {
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', s.c, s.h, s.w]);
  const pooled = m.op('MaxPool', ['x'], { kernel_shape: attr.ints([...s.kernel]), strides: attr.ints([...s.kernel]) });
  const [oh, ow] = output(s);
  const scale = m.initializer('scale', 'float32', [1], [1.5]);
  m.op('Mul', [m.op('Flatten', [pooled], { axis: attr.int(1) }), scale], {}, 'y');
  m.output('y', 'float32', ['n', s.c * oh * ow]);
  return m.encode();
}

/** Brute force: pooled values and d sum(W . 1.5 pool(x)) / dx with dy reaching every tied maximum. */
function reference(x: Float32Array, n: number, s: Shape, weights: Float32Array): { y: Float32Array; dx: Float32Array } {
  const [oh, ow] = output(s);
  const [kh, kw] = s.kernel;
  const y = new Float32Array(n * s.c * oh * ow);
  const dx = new Float32Array(x.length);
  for (let plane = 0; plane < n * s.c; plane++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const cells: number[] = [];
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) cells.push((plane * s.h + oy * kh + i) * s.w + ox * kw + j);
        const best = Math.max(...cells.map((at) => x[at]));
        const o = (plane * oh + oy) * ow + ox;
        y[o] = 1.5 * best;
        for (const at of cells) if (x[at] === best) dx[at] += 1.5 * weights[o];
      }
  return { y, dx };
}

describe('MaxPool over windows that tile the input', () => {
  const shapes: Shape[] = [
    { c: 2, h: 6, w: 8, kernel: [2, 2] },
    { c: 3, h: 7, w: 9, kernel: [2, 3] },
  ];
  for (const s of shapes)
    it(`${s.kernel.join('x')} windows on ${s.h}x${s.w}: values and tie-splitting gradient of the brute-force pool`, async () => {
      const model = await openFixture({ file: `maxpool-${s.kernel.join('x')}.onnx`, bytes: poolModel(s) });
      try {
        const n = 2;
        const rng = createRng(5, 'ties');
        const x = Float32Array.from({ length: n * s.c * s.h * s.w }, () => Math.floor(rng.uniform() * 3));
        const [oh, ow] = output(s);
        const weights = Float32Array.from({ length: n * s.c * oh * ow }, () => rng.normal());
        const want = reference(x, n, s, weights);
        const named = Object.fromEntries(model.initialParams.map((p) => [p.name, tf.tensor(p.values, [...p.shape])]));
        const input = tf.tensor(x, [n, s.c, s.h, s.w]);
        const y = model.apply(named, input);
        const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(model.apply(named, xi), tf.tensor(weights, [n, s.c * oh * ow]))))(input);
        // Equal but for the sign of zero (dy times a 0/1 mask keeps dy's sign).
        const unsigned = (v: ArrayLike<number>) => Array.from(v, (e) => (e === 0 ? 0 : e));
        expect(unsigned(y.dataSync())).toEqual(unsigned(want.y));
        expect(unsigned(dx.dataSync())).toEqual(unsigned(want.dx));
        // Ties did occur: some window gave dy to more than one cell.
        expect(want.dx.filter((v) => v !== 0).length).toBeGreaterThan(want.y.length);
        tf.dispose([y, dx, input, ...Object.values(named)]);
        const report = await validateAgainstOrt(model, Float64Array.from(x), n);
        expect(report.maxAbsError).toBe(0);
      } finally {
        model.dispose();
      }
    });
});
