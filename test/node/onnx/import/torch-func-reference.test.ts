// The importer against another framework's own NTK: ONNX files exported by PyTorch 2's torch.export-based exporter
// (fixtures/onnx/external/torch2, made by export-torch2.py), each recorded with the full empirical NTK that
// torch.func (vmap of jacrev over the parameters, float64) gives on its probe set. The imported model must reproduce
// PyTorch's outputs, its float32 kernels (structured or generic, whichever the graph takes) and, for the MLP, the
// float64 path must equal torch.func's kernel; a checkpoint series' drift must equal the drift of torch.func's kernels.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../../../src-main/core/linalg/spectrum';
import { classTrace } from '../../../../src-main/core/ntk/kernel-types';
import { frobenius } from '../../../../src-main/core/linalg/norms';
import { checkpointDrift } from '../../../../src-main/node/onnx/import/checkpoint-drift';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { EXTERNAL_DIR, type ExternalEntry } from '../../../fixtures/onnx/manifest';
import { relErr } from '../../../helpers/rel-err';

interface TorchFuncEntry extends ExternalEntry {
  readonly ntk: number[][];
  readonly ops: string[];
  readonly torchVersion: string;
}

const DIR = join(EXTERNAL_DIR, 'torch2');
const manifest: { models: TorchFuncEntry[]; series: TorchFuncEntry[] } = existsSync(join(DIR, 'manifest.json'))
  ? JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'))
  : { models: [], series: [] };

const probeOf = (e: TorchFuncEntry) => probeFromArray((e.probe as number[][]).flat(Infinity) as number[], e.probe.length, e.inputShape);

describe.skipIf(manifest.models.length === 0)('imported PyTorch 2 exports against torch.func', () => {
  for (const entry of manifest.models) {
    it(`${entry.file} (${entry.ops.join(', ')}): outputs, parameter count and the full eNTK`, async () => {
      const probe = probeOf(entry);
      const reference = Float64Array.from(entry.ntk.flat());
      // torch.func differentiated the whole graph, a final Softmax included.
      const report = await modelNtk({ path: join(DIR, entry.file) }, probe, { kernel: 'full', logits: false });
      expect(report.summary.producer).toContain('pytorch');
      expect(report.paramCount).toBe(entry.paramCount);
      expect(report.k).toBe(entry.outputs);
      expect(relErr(report.outputs, entry.expected.flat())).toBeLessThan(1e-6);
      expect(relErr(report.ntk as Float64Array, reference)).toBeLessThan(2e-6);
      expect(relErr(report.trace, classTrace(reference, probe.n, probe.n, entry.outputs))).toBeLessThan(2e-6);
      const eigenvalues = symmetricEigenvalues(reference, probe.n * entry.outputs);
      expect(report.lambdaMax).toBeCloseTo(eigenvalues[eigenvalues.length - 1], 3);
      if (entry.ops.join() === 'Gemm,Relu') {
        const f64 = await modelNtk({ path: join(DIR, entry.file) }, probe, { kernel: 'full', dtype: 'float64', logits: false });
        expect(f64.implementation).toBe('reference-f64');
        expect(relErr(f64.ntk as Float64Array, reference)).toBeLessThan(1e-13);
      }
    });
  }
});

describe.skipIf(manifest.series.length === 0)('drift of a PyTorch 2 checkpoint series against torch.func', () => {
  it('relative drift of the full and trace kernels from the first checkpoint equals torch.func\'s', async () => {
    const probe = probeOf(manifest.series[0]);
    const n = probe.n;
    const k = manifest.series[0].outputs;
    const kernels = manifest.series.map((e) => Float64Array.from(e.ntk.flat()));
    for (const kernel of ['full', 'trace'] as const) {
      const report = await checkpointDrift(manifest.series.map((e) => ({ path: join(DIR, e.file) })), probe, { kernel, logits: false });
      expect(report.entries.map((e) => e.step)).toEqual([0, 10, 100, 1000]);
      const refs = kernel === 'full' ? kernels : kernels.map((K) => classTrace(K, n, n, k));
      for (const [t, entry] of report.entries.entries()) {
        const expected = frobenius(refs[t], refs[0]) / frobenius(refs[0]);
        expect(Math.abs(entry.relDrift - expected), `${kernel} step ${entry.step}`).toBeLessThan(1e-5 * Math.max(1, expected));
      }
      // Cross-entropy training moves the kernel: the last checkpoint has drifted visibly.
      expect(report.entries[3].relDrift).toBeGreaterThan(0.05);
    }
  });
});
