// The derivatives the structured kernel's backward steps take for elementwise activations equal the tfjs gradient of
// the importer's own translation of each op (what the generic kernel differentiates), on a grid from -8 to 8 that
// misses every kink.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/node/backend';
import { AttrReader } from '../../../../src-main/node/onnx/import/attributes';
import type { AttrValue, IrNode } from '../../../../src-main/node/onnx/import/ir';
import { activationDerivative } from '../../../../src-main/node/onnx/import/ops/activation-derivatives';
import { translatorFor } from '../../../../src-main/node/onnx/import/ops/op-registry';
import type { OpContext } from '../../../../src-main/node/onnx/import/ops/op-types';
import { attr, type Attrs } from '../../../../src-main/node/onnx/model-builder';
import { SMOOTH_ACTIVATIONS } from '../../../fixtures/onnx/make-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

const cases: (readonly [string, Attrs])[] = [['Tanh', {}], ['Swish', { alpha: attr.float(1.2) }], ['Swish', {}], ['Abs', {}], ...SMOOTH_ACTIVATIONS];

function context(opType: string, attrs: Attrs): OpContext {
  // The builder's float and string attributes are the IR's as they are (only tensor and graph values differ).
  const node: IrNode = { name: opType, opType, domain: '', inputs: ['x'], outputs: ['y'], attrs: new Map(Object.entries(attrs)) as ReadonlyMap<string, AttrValue>, implicit: [] };
  return { node, attrs: new AttrReader(node), opset: 24, tensor: (v) => v as tf.Tensor };
}

// Step 0.0203: no grid point lands on a kink (0, +-3, 0.1, the HardSigmoid corners -4/3 and 2).
const grid = Float32Array.from({ length: 789 }, (_, i) => -8 + 0.0203 * i);

describe('activation derivatives of the backward steps', () => {
  for (const [op, attrs] of cases) {
    const label = `${op}${Object.keys(attrs).length ? ` (${Object.entries(attrs).map(([k, v]) => `${k} ${String(v.value)}`).join(', ')})` : ''}`;
    it(`${label}: equals the tfjs gradient of the translation`, () => {
      const ctx = context(op, attrs);
      const translator = translatorFor(op, '');
      const derivative = activationDerivative(op, ctx.attrs);
      if (!translator || !derivative) throw new Error(`${op} has no translation or no derivative`);
      const reference = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(translator.run(ctx, [x])[0] as tf.Tensor))(tf.tensor(grid)).dataSync() as Float32Array);
      const ours = new Float32Array(grid.length);
      derivative(grid, ours);
      let worst = 0;
      for (let i = 0; i < grid.length; i++) worst = Math.max(worst, Math.abs(ours[i] - reference[i]) / Math.max(1, Math.abs(reference[i])));
      // float32 autodiff of the translation against float64 formulas: measured at most a few 1e-7.
      expect(worst).toBeLessThan(2e-6);
    });
  }

  it('Clip with constant bounds: 1 inside [lo, hi], 0 outside; no derivative without known bounds', () => {
    const ctx = context('Clip', {});
    const out = new Float32Array(5);
    // Bounds as the graph holds them: float32 values.
    activationDerivative('Clip', ctx.attrs, [-0.5, Math.fround(1.2)])?.(Float32Array.of(-2, -0.5, 0.3, 1.2, 4), out);
    expect(Array.from(out)).toEqual([0, 1, 1, 1, 0]);
    expect(activationDerivative('Clip', ctx.attrs)).toBeUndefined();
    expect(activationDerivative('MatMul', ctx.attrs)).toBeUndefined();
  });
});
