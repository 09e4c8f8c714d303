// The double-VJP Jacobian-vector product against a central finite difference of the float64 reference network,
// (f(theta_0 + eps v) - f(theta_0 - eps v)) / (2 eps), and against the exact J v from the float64 reference Jacobian.
// theta_0 and v are multiples of 2^-6 and eps = 2^-10, so theta_0 +/- eps v are exact in the float32 parameter
// storage and the difference is taken in float64: its truncation error is eps^2/6 |f'''| ~ 6e-8 |f'''|, measured
// up to 1.4e-6 of the largest |J v| (the three-layer bias-free net, a degree-4 polynomial in theta): bound 1e-5.
// The JVP runs in float32 on tfjs: tolerance 2e-5 of the largest |J v| (float32 rounding through a few layers).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Architecture, initParams } from '../../../src-main/core/models/architecture';
import { architectureModel } from '../../../src-main/core/models/differentiable-model';
import { jvpAt } from '../../../src-main/core/models/jvp';
import type { ParamSet } from '../../../src-main/core/models/params';
import { forwardF64, jacobianF64 } from '../../../src-main/core/models/reference-f64';

const archs: Record<string, Architecture> = {
  'fcn bias k=2': { arch: 'fcn', inputDim: 3, outputs: 2, widths: [16, 12], bias: true, parameterization: 'ntk' },
  'fcn no bias k=1': { arch: 'fcn', inputDim: 2, outputs: 1, widths: [16, 16, 16], bias: false, parameterization: 'ntk' },
  'fcn standard k=3': { arch: 'fcn', inputDim: 2, outputs: 3, widths: [10], bias: true, parameterization: 'standard' },
  'resnet k=2': { arch: 'resnet', inputDim: 3, outputs: 2, width: 12, depth: 2, alpha: 0.5, parameterization: 'ntk' },
};

const onGrid = (params: ParamSet): ParamSet => params.map((p) => ({ ...p, values: p.values.map((v) => Math.round(v * 64) / 64) }));

function shifted(params: ParamSet, v: ParamSet, eps: number): ParamSet {
  return params.map((p, i) => ({ ...p, values: p.values.map((x, j) => x + eps * v[i].values[j]) }));
}

describe('jvpAt (double VJP)', () => {
  for (const [name, a] of Object.entries(archs)) {
    it(`equals a float64 central difference and the exact J v (${name})`, async () => {
      const theta0 = onGrid(initParams(a, 11));
      const v = onGrid(initParams(a, 12));
      const n = 4;
      const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.cos(0.7 * i + 0.2));
      const eps = 2 ** -10;
      const plus = forwardF64(a, shifted(theta0, v, eps), x, n);
      const minus = forwardF64(a, shifted(theta0, v, -eps), x, n);
      const fd = plus.map((p, r) => (p - minus[r]) / (2 * eps));

      const { jacobian, paramCount } = jacobianF64(a, theta0, x, n);
      const flatV = v.flatMap((p) => Array.from(p.values));
      const exact = fd.map((_, r) => flatV.reduce((s, vj, j) => s + vj * jacobian[r * paramCount + j], 0));

      const before = tf.memory().numTensors;
      const jvp = jvpAt(architectureModel(a), theta0);
      const got = await jvp.jvpFn(x, v);
      jvp.dispose();
      expect(tf.memory().numTensors).toBe(before);

      const scale = Math.max(...exact.map(Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      for (let r = 0; r < n * a.outputs; r++) {
        expect(Math.abs(fd[r] - exact[r])).toBeLessThan(1e-5 * scale);
        expect(Math.abs(got[r] - fd[r])).toBeLessThan(2e-5 * scale);
        expect(Math.abs(got[r] - exact[r])).toBeLessThan(2e-5 * scale);
      }
    });
  }

  it('is linear in the tangent and zero for a zero tangent', async () => {
    const a = archs['fcn no bias k=1'];
    const theta0 = initParams(a, 1);
    const v = initParams(a, 2);
    const jvp = jvpAt(architectureModel(a), theta0);
    const x = Float64Array.from([1, 0, 0, 1, -0.6, 0.8]);
    const once = await jvp.jvpFn(x, v);
    const twice = await jvp.jvpFn(x, v.map((p) => ({ ...p, values: p.values.map((t) => -2 * t) })));
    const zero = await jvp.jvpFn(x, v.map((p) => ({ ...p, values: new Float32Array(p.values.length) })));
    jvp.dispose();
    for (let r = 0; r < 3; r++) {
      expect(twice[r]).toBeCloseTo(-2 * once[r], 5);
      expect(zero[r]).toBe(0);
    }
  });
});
