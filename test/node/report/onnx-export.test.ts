// The ONNX export of a trained native network (FCN with and without bias, ResNet, NTK and standard
// parameterisation) runs in onnxruntime with the native float64 outputs (float32 tolerance 2e-6 relative), and
// re-imported through the ONNX importer gives the native eNTK (2e-5 relative, float32 Jacobians) and its outputs.
import { describe, expect, it } from 'vitest';
import { type Architecture, architectureFromConfig, initParams } from '../../../src-main/core/models/architecture';
import { empiricalNtkF64, forwardF64 } from '../../../src-main/core/models/reference-f64';
import type { ModelConfig } from '../../../src-main/contract/run-config';
import { importedNtk } from '../../../src-main/node/onnx/import/imported-ntk';
import { createSession, f32Tensor } from '../../../src-main/node/ort/ort-session';
import { architectureOfRun, netOnnx } from '../../../src-main/node/report/onnx-export';
import { openFixture, probeInputs } from '../onnx/import/helpers';
import { relErr } from '../../helpers/rel-err';

const cases: { name: string; model: ModelConfig; d: number; k: number }[] = [
  { name: 'FCN, NTK, bias, k=2', model: { arch: 'fcn', depth: 2, widths: [24, 16], bias: true, parameterization: 'ntk' } as ModelConfig, d: 3, k: 2 },
  { name: 'FCN, NTK, no bias, k=1', model: { arch: 'fcn', depth: 2, width: 32, parameterization: 'ntk' } as ModelConfig, d: 2, k: 1 },
  { name: 'FCN, standard, k=1', model: { arch: 'fcn', depth: 1, width: 20, bias: true, parameterization: 'standard' } as ModelConfig, d: 2, k: 1 },
  { name: 'ResNet, NTK, k=1', model: { arch: 'resnet', depth: 2, width: 16, alpha: 0.5, parameterization: 'ntk' } as ModelConfig, d: 2, k: 1 },
];

describe('ONNX export of a trained network', () => {
  for (const c of cases) {
    it(`${c.name}: onnxruntime outputs and the re-imported eNTK equal the native ones`, async () => {
      const a: Architecture = architectureFromConfig(c.model, c.d, c.k);
      const params = initParams(a, 11);
      expect(architectureOfRun(c.model, params)).toEqual(a);
      const bytes = netOnnx(a, params);
      const n = 5;
      const x = probeInputs(n, c.d, 4);
      const native = forwardF64(a, params, x, n);
      const session = await createSession(bytes, 1, false);
      try {
        const out = await session.run({ x: f32Tensor(Float32Array.from(x), [n, c.d]) });
        expect(out[session.outputNames[0]].dims).toEqual([n, c.k]);
        expect(relErr(out[session.outputNames[0]].data as Float32Array, native)).toBeLessThan(2e-6);
      } finally {
        await session.release();
      }
      const model = await openFixture({ file: 'export.onnx', bytes });
      try {
        expect(model.summary.paramCount).toBe(params.reduce((s, p) => s + p.values.length, 0));
        const ntk = await importedNtk(model, x, n, { kernel: 'full', implementation: 'generic' });
        expect(relErr(ntk.ntk as Float64Array, empiricalNtkF64(a, params, x, n))).toBeLessThan(2e-5);
        expect(relErr(ntk.outputs, native)).toBeLessThan(2e-6);
      } finally {
        model.dispose?.();
      }
    });
  }

  it('refuses parameters that do not fit the config', () => {
    const model = { arch: 'fcn', depth: 2, width: 8, parameterization: 'ntk' } as ModelConfig;
    const params = initParams({ arch: 'fcn', inputDim: 2, outputs: 1, widths: [8], bias: false, parameterization: 'ntk' }, 1);
    expect(() => netOnnx(architectureOfRun(model, params), params)).toThrow(expect.objectContaining({ code: 'data/shape-mismatch' }));
  });
});
