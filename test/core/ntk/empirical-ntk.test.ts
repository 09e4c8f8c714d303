import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Architecture, initParams } from '../../../src-main/core/models/architecture';
import { architectureModel } from '../../../src-main/core/models/differentiable-model';
import { empiricalNtkF64 } from '../../../src-main/core/models/reference-f64';
import { structuredNtk } from '../../../src-main/core/ntk/structured-ntk';
import { genericNtk } from '../../../src-main/core/ntk/generic-ntk';
import { classTrace } from '../../../src-main/core/ntk/kernel-types';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';

const engine = createTfjsMatmulEngine();

const archs: Record<string, Architecture> = {
  'fcn bias k=3': { arch: 'fcn', inputDim: 3, outputs: 3, widths: [16, 12], bias: true, parameterization: 'ntk' },
  'fcn no bias k=1': { arch: 'fcn', inputDim: 2, outputs: 1, widths: [20, 20, 20], bias: false, parameterization: 'ntk' },
  'fcn standard k=2': { arch: 'fcn', inputDim: 4, outputs: 2, widths: [10], bias: true, parameterization: 'standard' },
  'resnet k=2': { arch: 'resnet', inputDim: 3, outputs: 2, width: 12, depth: 2, alpha: 0.5, parameterization: 'ntk' },
  'resnet k=1 depth 3': { arch: 'resnet', inputDim: 2, outputs: 1, width: 10, depth: 3, alpha: 1 / 3, parameterization: 'ntk' },
};

function inputs(n: number, d: number, phase: number): Float64Array {
  return Float64Array.from({ length: n * d }, (_, i) => Math.cos(1.3 * i + phase));
}

/** max |a - b| / max |b|: float32 products against a float64 reference. */
function relErr(a: Float64Array, b: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

describe('empirical NTK implementations agree with the float64 Jacobian reference', () => {
  for (const [name, a] of Object.entries(archs)) {
    const params = initParams(a, 11);
    const n = 5;
    const x = inputs(n, a.inputDim, 0.2);
    const reference = empiricalNtkF64(a, params, x, n);
    const k = a.outputs;

    it(`structured, full and trace (${name})`, async () => {
      const full = await structuredNtk(engine, a, params, x, n, 'full');
      expect(full.length).toBe(n * k * n * k);
      expect(relErr(full, reference)).toBeLessThan(2e-5);
      const trace = await structuredNtk(engine, a, params, x, n, 'trace');
      expect(relErr(trace, classTrace(reference, n, n, k))).toBeLessThan(2e-5);
    });

    it(`generic autodiff, full and trace (${name})`, async () => {
      const model = architectureModel(a);
      const full = await genericNtk(engine, model, params, x, n, 'full');
      expect(relErr(full, reference)).toBeLessThan(2e-5);
      const trace = await genericNtk(engine, model, params, x, n, 'trace');
      expect(relErr(trace, classTrace(reference, n, n, k))).toBeLessThan(2e-5);
    });

    it(`cross kernels K(x1, x2) agree (${name})`, async () => {
      const x2 = inputs(3, a.inputDim, 1.1);
      const joint = Float64Array.from([...x, ...x2]);
      const jointRef = empiricalNtkF64(a, params, joint, n + 3);
      const rows = n * k;
      const cols = 3 * k;
      const expected = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[r * cols + c] = jointRef[r * (n + 3) * k + rows + c];
      expect(relErr(await structuredNtk(engine, a, params, x, n, 'full', x2, 3), expected)).toBeLessThan(2e-5);
      expect(relErr(await genericNtk(engine, architectureModel(a), params, x, n, 'full', x2, 3), expected)).toBeLessThan(2e-5);
    });
  }

  it('generic NTK gives the same kernel when the Jacobian is split into recomputed blocks', async () => {
    const a = archs['fcn bias k=3'];
    const params = initParams(a, 2);
    const x = inputs(7, 3, 0.4);
    const whole = await genericNtk(engine, architectureModel(a), params, x, 7, 'full');
    const blocked = await genericNtk(engine, architectureModel(a), params, x, 7, 'full', undefined, undefined, { blockBytes: 3 * 2 * 4 * 600 });
    expect(relErr(blocked, whole)).toBeLessThan(1e-6);
  });

  it('generic NTK stops within a row of a cancel, leaving no tensors behind', async () => {
    const a: Architecture = { arch: 'fcn', inputDim: 16, outputs: 4, widths: [128, 128], bias: true, parameterization: 'ntk' };
    const params = initParams(a, 6);
    const x = inputs(200, a.inputDim, 0.5);
    const model = architectureModel(a);
    await genericNtk(engine, model, params, x, 1, 'trace');
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => controller.abort(), 30);
    // 800 backward passes: seconds uncancelled.
    const outcome = await genericNtk(engine, model, params, x, 200, 'full', undefined, undefined, { signal: controller.signal }).then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    clearTimeout(timer);
    expect(outcome).toBe('train/cancelled');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves no tensors behind (structured and generic)', async () => {
    const a = archs['resnet k=2'];
    const params = initParams(a, 4);
    const x = inputs(4, a.inputDim, 0.9);
    await structuredNtk(engine, a, params, x, 4, 'full');
    const before = tf.memory().numTensors;
    await structuredNtk(engine, a, params, x, 4, 'full');
    await structuredNtk(engine, a, params, x, 4, 'trace', inputs(2, a.inputDim, 0.1), 2);
    await genericNtk(engine, architectureModel(a), params, x, 4, 'trace');
    expect(tf.memory().numTensors).toBe(before);
  });
});
