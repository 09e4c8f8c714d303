import { describe, expect, it } from 'vitest';
import { type Architecture, initParams } from '../../../src-main/core/models/architecture';
import { forwardF64, jacobianF64 } from '../../../src-main/core/models/reference-f64';
import type { ParamSet } from '../../../src-main/core/models/params';

const archs: Record<string, Architecture> = {
  'fcn bias': { arch: 'fcn', inputDim: 3, outputs: 2, widths: [5, 4], bias: true, parameterization: 'ntk' },
  'fcn no bias': { arch: 'fcn', inputDim: 2, outputs: 1, widths: [6, 6, 6], bias: false, parameterization: 'ntk' },
  'fcn standard': { arch: 'fcn', inputDim: 2, outputs: 3, widths: [4], bias: true, parameterization: 'standard' },
  resnet: { arch: 'resnet', inputDim: 3, outputs: 2, width: 5, depth: 2, alpha: 0.7, parameterization: 'ntk' },
};

function perturbed(params: ParamSet, flat: number, delta: number): ParamSet {
  let offset = 0;
  return params.map((p) => {
    const values = Float32Array.from(p.values);
    if (flat >= offset && flat < offset + values.length) values[flat - offset] += delta;
    offset += values.length;
    return { ...p, values };
  });
}

describe('float64 reference Jacobian', () => {
  for (const [name, a] of Object.entries(archs)) {
    it(`matches central finite differences (${name})`, () => {
      // Float32 storage limits the step: h = 2^-6 on float32-representable params keeps perturbations exact.
      const params = initParams(a, 3).map((p) => ({ ...p, values: p.values.map((v) => Math.round(v * 64) / 64) }));
      const n = 3;
      const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.sin(i + 1));
      const { jacobian, paramCount } = jacobianF64(a, params, x, n);
      const rows = n * a.outputs;
      const h = 1 / 64;
      let maxErr = 0;
      let maxAbs = 0;
      for (let j = 0; j < paramCount; j++) {
        const plus = forwardF64(a, perturbed(params, j, h), x, n);
        const minus = forwardF64(a, perturbed(params, j, -h), x, n);
        for (let r = 0; r < rows; r++) {
          const fd = (plus[r] - minus[r]) / (2 * h);
          maxErr = Math.max(maxErr, Math.abs(fd - jacobian[r * paramCount + j]));
          maxAbs = Math.max(maxAbs, Math.abs(jacobian[r * paramCount + j]));
        }
      }
      // f is piecewise linear in any single parameter, so away from ReLU kinks the central difference is exact
      // up to rounding; these seeds cross no kink within +/- h (a crossing would show as an O(1) error).
      expect(maxAbs).toBeGreaterThan(0.1);
      expect(maxErr).toBeLessThan(1e-9 * Math.max(1, maxAbs));
    });
  }
});
