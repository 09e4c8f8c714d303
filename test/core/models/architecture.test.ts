import { describe, expect, it } from 'vitest';
import { architectureFromConfig, initParams, paramShapes } from '../../../src-main/core/models/architecture';
import { paramCount } from '../../../src-main/core/models/params';
import { forwardF64 } from '../../../src-main/core/models/reference-f64';

describe('architectures and initialisation', () => {
  it('counts the paper FCN parameters: d m + (L-1) m^2 + m k, plus L m biases', () => {
    const noBias = architectureFromConfig({ arch: 'fcn', depth: 3, width: 2000, bias: false, parameterization: 'ntk' }, 2, 1);
    expect(paramShapes(noBias).reduce((s, p) => s + p.shape[0] * (p.shape[1] ?? 1), 0)).toBe(2 * 2000 + 2 * 2000 * 2000 + 2000);
    const withBias = architectureFromConfig({ arch: 'fcn', depth: 2, widths: [5, 7], bias: true, parameterization: 'ntk' }, 3, 2);
    expect(paramCount(initParams(withBias, 0))).toBe(3 * 5 + 5 + 5 * 7 + 7 + 7 * 2);
  });

  it('ResNet has A, b0, per block W, b, V, d, and Wout; alpha defaults to 1/L', () => {
    const a = architectureFromConfig({ arch: 'resnet', depth: 4, width: 6, bias: false, parameterization: 'ntk' }, 2, 1);
    expect(a.arch === 'resnet' && a.alpha).toBe(0.25);
    expect(paramShapes(a).map((p) => p.name)).toEqual(['A', 'b0', 'W1', 'b1', 'V1', 'd1', 'W2', 'b2', 'V2', 'd2', 'W3', 'b3', 'V3', 'd3', 'W4', 'b4', 'V4', 'd4', 'Wout']);
    const params = initParams(a, 1);
    expect(params.find((p) => p.name === 'b1')?.values.every((v) => v === 0)).toBe(true);
    expect(params.find((p) => p.name === 'd3')?.values.every((v) => v === 0)).toBe(true);
    expect(params.find((p) => p.name === 'b0')?.values.some((v) => v !== 0)).toBe(true);
  });

  it('same seed gives the same parameters; another seed does not; a layer does not depend on other widths', () => {
    const a = architectureFromConfig({ arch: 'fcn', depth: 2, width: 10, bias: true, parameterization: 'ntk' }, 2, 1);
    const p1 = initParams(a, 7);
    const p2 = initParams(a, 7);
    const p3 = initParams(a, 8);
    expect(p1.map((p) => Array.from(p.values))).toEqual(p2.map((p) => Array.from(p.values)));
    expect(Array.from(p1[0].values)).not.toEqual(Array.from(p3[0].values));
    const wider = initParams(architectureFromConfig({ arch: 'fcn', depth: 2, widths: [10, 30], bias: true, parameterization: 'ntk' }, 2, 1), 7);
    expect(Array.from(wider[0].values)).toEqual(Array.from(p1[0].values));
  });

  it('NTK weights are N(0, 1); the standard parameterisation computes the same function at init', () => {
    const ntk = architectureFromConfig({ arch: 'fcn', depth: 2, width: 400, bias: true, parameterization: 'ntk' }, 3, 2);
    const std = architectureFromConfig({ arch: 'fcn', depth: 2, width: 400, bias: true, parameterization: 'standard' }, 3, 2);
    const w2 = initParams(ntk, 0)[2].values;
    const mean = w2.reduce((s, v) => s + v, 0) / w2.length;
    const variance = w2.reduce((s, v) => s + (v - mean) ** 2, 0) / w2.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    const x = Float64Array.from([0.3, -0.2, 0.9, 1, 0, -1]);
    const fNtk = forwardF64(ntk, initParams(ntk, 0), x, 2);
    const fStd = forwardF64(std, initParams(std, 0), x, 2);
    fNtk.forEach((v, i) => expect(fStd[i]).toBeCloseTo(v, 4));
  });
});
