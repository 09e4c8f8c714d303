// Agreement of the eNTK implementations, each reached through the one entry (empiricalNtkFn): structured and generic
// (float32 products) against the float64 reference Jacobian, full and trace, self and cross kernels, with the
// readout bias an imported nn.Linear head carries. Tolerance 2e-5 relative (float32 against float64).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Architecture, initParams } from '../../../src-main/core/models/architecture';
import { empiricalNtkF64 } from '../../../src-main/core/models/reference-f64';
import { architectureNtkModel, empiricalNtkFn, type EmpiricalNtkOptions } from '../../../src-main/core/ntk/empirical-ntk';
import { classTrace, type NtkImplementation } from '../../../src-main/core/ntk/kernel-types';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import { relErr } from '../../helpers/rel-err';

const engine = createTfjsMatmulEngine();

/** ntkFn of the paper's network `a` through the factory. */
function ntkFn(a: Architecture, implementation: NtkImplementation, kernel: 'full' | 'trace', extra: Partial<EmpiricalNtkOptions> = {}) {
  return empiricalNtkFn(architectureNtkModel(a), { implementation, kernel, engine, ...extra });
}

const archs: Record<string, Architecture> = {
  'fcn bias k=3': { arch: 'fcn', inputDim: 3, outputs: 3, widths: [16, 12], bias: true, parameterization: 'ntk' },
  'fcn no bias k=1': { arch: 'fcn', inputDim: 2, outputs: 1, widths: [20, 20, 20], bias: false, parameterization: 'ntk' },
  'fcn standard k=2': { arch: 'fcn', inputDim: 4, outputs: 2, widths: [10], bias: true, parameterization: 'standard' },
  'fcn readout bias k=3': { arch: 'fcn', inputDim: 3, outputs: 3, widths: [14, 9], bias: true, parameterization: 'ntk', readoutBias: 0.7 },
  'fcn standard readout bias k=2': { arch: 'fcn', inputDim: 2, outputs: 2, widths: [11], bias: false, parameterization: 'standard', readoutBias: 1.5 },
  'resnet k=2': { arch: 'resnet', inputDim: 3, outputs: 2, width: 12, depth: 2, alpha: 0.5, parameterization: 'ntk' },
  'resnet k=1 depth 3': { arch: 'resnet', inputDim: 2, outputs: 1, width: 10, depth: 3, alpha: 1 / 3, parameterization: 'ntk' },
};

function inputs(n: number, d: number, phase: number): Float64Array {
  return Float64Array.from({ length: n * d }, (_, i) => Math.cos(1.3 * i + phase));
}

describe('empirical NTK implementations agree with the float64 Jacobian reference', () => {
  for (const [name, a] of Object.entries(archs)) {
    const params = initParams(a, 11);
    const n = 5;
    const x = inputs(n, a.inputDim, 0.2);
    const reference = empiricalNtkF64(a, params, x, n);
    const k = a.outputs;

    it(`structured, full and trace (${name})`, async () => {
      const full = await ntkFn(a, 'structured', 'full')(x, undefined, params);
      expect(full.length).toBe(n * k * n * k);
      expect(relErr(full, reference)).toBeLessThan(2e-5);
      const trace = await ntkFn(a, 'structured', 'trace')(x, undefined, params);
      expect(relErr(trace, classTrace(reference, n, n, k))).toBeLessThan(2e-5);
    });

    it(`generic autodiff, full and trace (${name})`, async () => {
      const full = await ntkFn(a, 'generic', 'full')(x, undefined, params);
      expect(relErr(full, reference)).toBeLessThan(2e-5);
      const trace = await ntkFn(a, 'generic', 'trace')(x, undefined, params);
      expect(relErr(trace, classTrace(reference, n, n, k))).toBeLessThan(2e-5);
    });

    it(`reference-f64 through the factory is the reference; mean trace is the sum over k (${name})`, async () => {
      expect(await ntkFn(a, 'reference-f64', 'full')(x, undefined, params)).toEqual(reference);
      const sum = classTrace(reference, n, n, k);
      const mean = await ntkFn(a, 'reference-f64', 'trace', { traceNormalization: 'mean' })(x, undefined, params);
      for (let i = 0; i < sum.length; i++) expect(mean[i]).toBeCloseTo(sum[i] / k, 12);
    });

    it(`cross kernels K(x1, x2) agree (${name})`, async () => {
      const x2 = inputs(3, a.inputDim, 1.1);
      const joint = Float64Array.from([...x, ...x2]);
      const jointRef = empiricalNtkF64(a, params, joint, n + 3);
      const rows = n * k;
      const cols = 3 * k;
      const expected = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[r * cols + c] = jointRef[r * (n + 3) * k + rows + c];
      expect(relErr(await ntkFn(a, 'structured', 'full')(x, x2, params), expected)).toBeLessThan(2e-5);
      expect(relErr(await ntkFn(a, 'generic', 'full')(x, x2, params), expected)).toBeLessThan(2e-5);
      expect(relErr(await ntkFn(a, 'reference-f64', 'full')(x, x2, params), expected)).toBeLessThan(1e-12);
    });
  }

  it('structured and reference-f64 need the paper\'s network; every implementation but reference-f64 needs an engine', () => {
    const a = archs['fcn bias k=3'];
    const differentiableOnly = { differentiable: architectureNtkModel(a).differentiable };
    expect(() => empiricalNtkFn(differentiableOnly, { implementation: 'structured', kernel: 'full', engine })).toThrow(expect.objectContaining({ code: 'config/invalid' }));
    expect(() => empiricalNtkFn(differentiableOnly, { implementation: 'reference-f64', kernel: 'full' })).toThrow(expect.objectContaining({ code: 'config/invalid' }));
    expect(() => empiricalNtkFn(architectureNtkModel(a), { implementation: 'generic', kernel: 'full' })).toThrow(expect.objectContaining({ code: 'config/invalid' }));
  });

  it('generic NTK gives the same kernel when the Jacobian is split into recomputed blocks', async () => {
    const a = archs['fcn bias k=3'];
    const params = initParams(a, 2);
    const x = inputs(7, 3, 0.4);
    const whole = await ntkFn(a, 'generic', 'full')(x, undefined, params);
    const blocked = await ntkFn(a, 'generic', 'full', { blockBytes: 3 * 2 * 4 * 600 })(x, undefined, params);
    expect(relErr(blocked, whole)).toBeLessThan(1e-6);
  });

  it('generic NTK stops within a row of a cancel, leaving no tensors behind', async () => {
    const a: Architecture = { arch: 'fcn', inputDim: 16, outputs: 4, widths: [128, 128], bias: true, parameterization: 'ntk' };
    const params = initParams(a, 6);
    const x = inputs(200, a.inputDim, 0.5);
    await ntkFn(a, 'generic', 'trace')(x.subarray(0, a.inputDim), undefined, params);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => controller.abort(), 30);
    // 800 backward passes: seconds uncancelled.
    const outcome = await ntkFn(a, 'generic', 'full', { signal: controller.signal })(x, undefined, params).then(
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
    await ntkFn(a, 'structured', 'full')(x, undefined, params);
    const before = tf.memory().numTensors;
    await ntkFn(a, 'structured', 'full')(x, undefined, params);
    await ntkFn(a, 'structured', 'trace')(x, inputs(2, a.inputDim, 0.1), params);
    await ntkFn(a, 'generic', 'trace')(x, undefined, params);
    expect(tf.memory().numTensors).toBe(before);
  });
});
