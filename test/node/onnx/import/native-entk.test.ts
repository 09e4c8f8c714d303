// The eNTK of an imported MLP equals the eNTK of the same network built natively with the same parameters: the FCN
// is written to ONNX (NTK multipliers as Gemm alpha, or as scalar Mul nodes after MatMul), imported, and its generic
// (autodiff) kernel, its structured kernel and its float64 path are compared with the native structured kernel and
// the float64 reference Jacobian. Tolerances: float32 paths 2e-5 relative, float64 path 1e-12.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FcnArchitecture, initParams } from '../../../../src-main/core/models/architecture';
import { empiricalNtkF64, forwardF64 } from '../../../../src-main/core/models/reference-f64';
import { createTfjsMatmulEngine } from '../../../../src-main/core/linalg/tfjs-matmul-engine';
import { classTrace } from '../../../../src-main/core/ntk/kernel-types';
import { architectureNtkModel, empiricalNtkFn } from '../../../../src-main/core/ntk/empirical-ntk';
import { matchFcn } from '../../../../src-main/node/onnx/import/fcn-chain';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { fcnOnnx } from '../../../fixtures/onnx/fcn-onnx';
import { EXTERNAL_DIR, externalManifest, type ExternalEntry } from '../../../fixtures/onnx/manifest';
import { openModel } from '../../../../src-main/node/onnx/import/model-source';
import { openFixture, probeInputs } from './helpers';
import { relErr } from '../../../helpers/rel-err';

const engine = createTfjsMatmulEngine();
const torchMlp = externalManifest().models.find((m) => m.file === 'torch-mlp.onnx');
const archs: Record<string, FcnArchitecture> = {
  'NTK, bias, k=3': { arch: 'fcn', inputDim: 3, outputs: 3, widths: [16, 12], bias: true, parameterization: 'ntk' },
  'NTK, no bias, k=1': { arch: 'fcn', inputDim: 2, outputs: 1, widths: [20, 20], bias: false, parameterization: 'ntk' },
  'standard, bias, k=2': { arch: 'fcn', inputDim: 4, outputs: 2, widths: [10], bias: true, parameterization: 'standard' },
};

describe('imported MLP eNTK equals the native FCN eNTK', () => {
  for (const [name, a] of Object.entries(archs)) {
    const params = initParams(a, 17);
    const n = 4;
    const x = probeInputs(n, a.inputDim, 5);
    const reference = empiricalNtkF64(a, params, x, n);

    for (const style of ['gemm-alpha', 'mul-nodes'] as const) {
      it(`${name}, ${style}: generic and structured kernels, full and trace`, async () => {
        const model = await openFixture(fcnOnnx(a, params, style));
        try {
          expect(model.summary.paramCount).toBe(params.reduce((s, p) => s + p.values.length, 0));
          const match = matchFcn(model);
          expect(match?.architecture).toEqual(a);
          const native = await empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel: 'full', engine })(x, undefined, params);
          const generic = await importedNtk(model, x, n, { kernel: 'full', implementation: 'generic' });
          expect(generic.implementation).toBe('generic');
          expect(relErr(generic.ntk as Float64Array, reference)).toBeLessThan(2e-5);
          expect(relErr(generic.ntk as Float64Array, native)).toBeLessThan(2e-5);
          const structured = await importedNtk(model, x, n, { kernel: 'trace' });
          expect(structured.implementation).toBe('structured');
          expect(relErr(structured.trace, classTrace(reference, n, n, a.outputs))).toBeLessThan(2e-5);
          expect(relErr(generic.outputs, forwardF64(a, params, x, n))).toBeLessThan(2e-6);
        } finally {
          model.dispose();
        }
      });
    }

    it(`${name}: the float64 path equals the float64 reference`, async () => {
      const model = await openFixture(fcnOnnx(a, params, 'gemm-alpha'));
      try {
        const f64 = await importedNtk(model, x, n, { kernel: 'full', dtype: 'float64' });
        expect(f64.implementation).toBe('reference-f64');
        expect(relErr(f64.ntk as Float64Array, reference)).toBeLessThan(1e-12);
      } finally {
        model.dispose();
      }
    });
  }

  it('a graph that is not a plain FCN gets the layer-wise structured kernel (equal to generic), and float64 is refused with a coded error', async () => {
    const a = archs['NTK, bias, k=3'];
    const params = initParams(a, 3);
    const f = fcnOnnx(a, params, 'gemm-alpha');
    const frozen = await openFixture(f, { freeze: ['b1'] });
    try {
      expect(frozen.summary.frozen).toEqual(['b1']);
      expect(matchFcn(frozen)).toBeUndefined();
      const x = probeInputs(2, 3);
      const structured = await importedNtk(frozen, x, 2, { kernel: 'trace' });
      expect(structured.implementation).toBe('structured');
      const generic = await importedNtk(frozen, x, 2, { kernel: 'trace', implementation: 'generic' });
      expect(relErr(structured.trace, generic.trace)).toBeLessThan(2e-5);
      await expect(importedNtk(frozen, x, 2, { kernel: 'trace', dtype: 'float64' })).rejects.toMatchObject({ code: 'onnx/unsupported-model' });
    } finally {
      frozen.dispose();
    }
  });

  it.skipIf(!torchMlp)('a PyTorch MLP with a readout bias takes the structured and float64 paths, equal to autodiff', async () => {
    const entry = torchMlp as ExternalEntry;
    const model = await openModel({ path: join(EXTERNAL_DIR, entry.file) });
    try {
      const match = matchFcn(model);
      expect(match?.architecture.parameterization).toBe('standard');
      expect(match?.architecture.readoutBias).toBe(1);
      const n = entry.probe.length;
      const x = Float64Array.from((entry.probe as number[][]).flat());
      const generic = await importedNtk(model, x, n, { kernel: 'full', implementation: 'generic' });
      const structured = await importedNtk(model, x, n, { kernel: 'full' });
      expect(structured.implementation).toBe('structured');
      expect(relErr(structured.ntk as Float64Array, generic.ntk as Float64Array)).toBeLessThan(2e-5);
      const trace = await importedNtk(model, x, n, { kernel: 'trace' });
      expect(relErr(trace.trace, generic.trace)).toBeLessThan(2e-5);
      const f64 = await importedNtk(model, x, n, { kernel: 'full', dtype: 'float64' });
      expect(f64.implementation).toBe('reference-f64');
      expect(relErr(f64.ntk as Float64Array, generic.ntk as Float64Array)).toBeLessThan(2e-5);
      // The float64 forward with the readout bias added reproduces PyTorch's own outputs on the probe.
      expect(relErr(f64.outputs, entry.expected.flat())).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });
});
