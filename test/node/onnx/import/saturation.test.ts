// Numerics at the extremes: derivatives of saturated Sigmoid/Softmax/LogSoftmax against float64 formulas, the
// saturation warning on a probe that drives a sigmoid classifier to exactly 1, the onnxruntime check on the logits
// and at tiny output scales, written-out LayerNorm accuracy against onnxruntime's, and a float64 refusal naming a node.
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { stableLogSoftmax, stableSigmoid, stableSoftmax } from '../../../../src-main/node/onnx/import/ops/saturating';
import { probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { createRng, normalArray } from '../../../../src-main/core/random';
import * as ort from 'onnxruntime-node';
import { codedError, openFixture, probeInputs } from './helpers';

const LOGITS = [-60, -32, -17, -1, 0, 2, 17, 32, 60];

/** max over i of |a_i - b_i| / |b_i|. */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
}

describe('saturating activations differentiate accurately (float64 formulas as reference)', () => {
  it('sigmoid: d/dx = e^-|x| / (1 + e^-|x|)^2 at every logit up to 60', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(stableSigmoid(x)))(tf.tensor1d(LOGITS)).dataSync());
    const exact = LOGITS.map((x) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2);
    expect(maxRel(g, exact)).toBeLessThan(1e-5);
    // tfjs's own sigmoid gradient is 0 once the output rounds to 1: the failure this replaces.
    expect(tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.sigmoid(x)))(tf.tensor1d([32])).dataSync()[0])).toBe(0);
  });

  for (const gap of [5, 20, 32, 60]) {
    it(`softmax and log-softmax vector-Jacobian products with a logit gap of ${gap}`, () => {
      const x = [0, gap, 1.5, -2];
      const dy = [0.3, 1, -0.7, 0.2];
      const e = x.map((v) => Math.exp(v - gap));
      const z = e.reduce((a, b) => a + b, 0);
      const y = e.map((v) => v / z);
      // float64 references: y_i (dy_i - sum y dy) and dy_i - y_i sum dy, with 1 - y_top = sum of the others.
      const softRef = y.map((v, i) => v * y.reduce((s, w, j) => s + w * (dy[i] - dy[j]), 0));
      const sumDy = dy.reduce((a, b) => a + b, 0);
      const logRef = dy.map((d, i) => d - y[i] * sumDy);
      logRef[1] = dy[1] * y.reduce((s, w, j) => (j === 1 ? s : s + w), 0) - y[1] * (sumDy - dy[1]);
      const vjp = (f: (t: tf.Tensor) => tf.Tensor) => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), tf.tensor2d([dy]))))(tf.tensor2d([x])).dataSync());
      // Entries of e^-60 (1e-26) are normal float32 numbers: compare relatively where the reference is above float32's tiny.
      const keep = (ref: number[]) => ref.map((v, i) => [v, i] as const).filter(([v]) => Math.abs(v) > 1e-30);
      for (const [f, ref] of [[stableSoftmax, softRef], [stableLogSoftmax, logRef]] as const) {
        const got = vjp(f);
        for (const [v, i] of keep(ref)) expect(Math.abs(got[i] - v) / Math.abs(v)).toBeLessThan(1e-4);
      }
    });
  }
});

/** x [n, 4] -> Gemm -> Sigmoid: a binary classifier whose probes can push the logit far out. */
function sigmoidClassifier(scale: number): Uint8Array {
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', 4]);
  const w1 = m.initializer('w1', 'float32', [4, 8], normalArray(createRng(2, 'w1'), 32, 0.6));
  const h = m.op('Tanh', [m.op('MatMul', ['x', w1])]);
  const w2 = m.initializer('w2', 'float32', [8, 1], normalArray(createRng(2, 'w2'), 8, scale));
  const logit = m.op('Add', [m.op('MatMul', [h, w2]), m.initializer('b2', 'float32', [1], [0.1])]);
  m.output(m.op('Sigmoid', [logit]), 'float32');
  return m.encode();
}

describe('saturated sigmoid outputs', () => {
  it('warn, compare with onnxruntime on the logits, and keep a non-zero kernel', async () => {
    const bytes = sigmoidClassifier(12);
    const probe = probeFromArray(probeInputs(6, 4, 7).map((v) => 3 * v), 6, [4]);
    const report = await modelNtk({ name: 'saturated.onnx', bytes }, probe, { kernel: 'full' });
    expect(report.validation.comparedOn).toMatch(/Sigmoid input/);
    const saturated = Array.from(report.outputs).filter((y) => y === 1 || y === 0).length;
    expect(saturated).toBeGreaterThan(0);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatch(/saturated/);
    // Every sample's diagonal entry is positive: the stable sigmoid derivative does not round to 0 at y = 1.
    for (let i = 0; i < 6; i++) expect(report.trace[i * 6 + i]).toBeGreaterThan(0);
    // The suggested pre-activation output imports and has no warning.
    const name = /pre-activation value (\S+)/.exec(report.warnings[0])?.[1] as string;
    const logits = await modelNtk({ name: 'saturated.onnx', bytes }, probe, { kernel: 'trace', outputName: name });
    expect(logits.warnings).toHaveLength(0);
    expect(logits.validation.comparedOn).toBe(name);
  });

  it('an unsaturated probe gives no warning', async () => {
    const report = await modelNtk({ name: 'calm.onnx', bytes: sigmoidClassifier(0.3) }, probeFromArray(probeInputs(4, 4, 7), 4, [4]), { kernel: 'trace' });
    expect(report.warnings).toEqual([]);
  });
});

describe('the onnxruntime check at tiny output scales', () => {
  it('is relative to the output scale and never reports a relative Infinity', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 3]);
    const y = m.op('Mul', [m.op('MatMul', ['x', m.initializer('w', 'float32', [3, 2], normalArray(createRng(4, 'w'), 6, 1))]), m.constF32([1e-9])]);
    m.output(y, 'float32');
    const model = await openFixture({ file: 'tiny.onnx', bytes: m.encode() });
    try {
      const x = probeInputs(3, 3, 5);
      const report = await validateAgainstOrt(model, x, 3);
      expect(report.scale).toBeLessThan(1e-8);
      expect(report.maxRelError).toBeLessThan(1e-5);
      // A bound tighter than float32 rounding fails with the scale and its floor in the message.
      const error = await codedError(() => validateAgainstOrt(model, x, 3, { abs: 0, rel: 1e-12 }));
      expect(error.code).toBe('onnx/validation-failed');
      expect(error.message).toMatch(/of the scale .* \[floor 1e-6\]/);
      expect(error.message).not.toMatch(/Infinity/);
    } finally {
      model.dispose();
    }
  });
});

describe('written-out LayerNorm', () => {
  it('is as accurate as onnxruntime against a float64 reference', async () => {
    const d = 64;
    const n = 32;
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', d]);
    const mean = m.op('ReduceMean', ['x'], { axes: attr.ints([-1]) });
    const centred = m.op('Sub', ['x', mean]);
    const variance = m.op('ReduceMean', [m.op('Pow', [centred, m.constF32([2])])], { axes: attr.ints([-1]) });
    const y = m.op('Div', [centred, m.op('Sqrt', [m.op('Add', [variance, m.constF32([1e-5])])])]);
    m.output(y, 'float32');
    const bytes = m.encode();
    const rng = createRng(5, 'ln');
    const x = Float32Array.from({ length: n * d }, () => 3 + 2 * rng.normal());
    const exact = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = Array.from(x.subarray(i * d, (i + 1) * d));
      const mu = row.reduce((a, b) => a + b, 0) / d;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / d;
      row.forEach((value, j) => (exact[i * d + j] = (value - mu) / Math.sqrt(v + 1e-5)));
    }
    const maxErr = (a: ArrayLike<number>) => Array.from(exact).reduce((e, v, i) => Math.max(e, Math.abs(a[i] - v)), 0);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const ortOut = (await session.run({ x: new ort.Tensor('float32', x, [n, d]) }))[y].data as Float32Array;
    await session.release();
    const model = await openFixture({ file: 'layernorm.onnx', bytes });
    try {
      const ours = (await validateAgainstOrt(model, Float64Array.from(x), n)).outputs;
      // Measured: ours 2.8e-7, onnxruntime 3.4e-7 (before: 9.3e-7, a left-to-right float32 sum in tfjs-wasm).
      expect(maxErr(ours)).toBeLessThanOrEqual(1.2 * maxErr(ortOut));
    } finally {
      model.dispose();
    }
  });
});

describe('float64 beyond MLP chains', () => {
  it('the refusal names the node that prevents it', async () => {
    const bytes = await readFile('test/fixtures/onnx/external/torch-cnn.onnx');
    const error = await codedError(() => modelNtk({ name: 'torch-cnn.onnx', bytes }, probeFromArray(probeInputs(2, 64, 1), 2, [1, 8, 8]), { kernel: 'trace', dtype: 'float64' }));
    expect(error.code).toBe('onnx/unsupported-model');
    expect(error.message).toMatch(/input x has shape \[1, 8, 8\]|node \S+ \((Conv|Reshape|Flatten|MaxPool)\)/);
  });
});
