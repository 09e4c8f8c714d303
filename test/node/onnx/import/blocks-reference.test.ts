// Transformer and recurrent blocks as PyTorch 1.13 exports them (fixtures/onnx/external/blocks, made by
// export-torch-blocks.py): a ViT-style classifier (Conv patch embedding, class token, nn.MultiheadAttention with
// its Where/Equal/Expand shape idioms, LayerNormalization, exact GELU), a bidirectional GRU classifier, an LSTM one,
// a Fourier-feature MLP (Sin, Cos, HardSwish, Celu, ReduceL2) and a CNN with GroupNorm, InstanceNorm2d and Mish. Each must
// give PyTorch's parameter count and outputs, onnxruntime's outputs, and the full eNTK of the float64 reference
// (per-sample backward passes in PyTorch) to float32 accuracy. Gradients against finite differences: gradients.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { EXTERNAL_DIR, type ExternalEntry } from '../../../fixtures/onnx/manifest';
import { relErr } from '../../../helpers/rel-err';

interface BlocksEntry extends ExternalEntry {
  readonly ntk: number[][];
  readonly ops: string[];
}

const BLOCKS_DIR = join(EXTERNAL_DIR, 'blocks');
const manifest: { models: BlocksEntry[] } = existsSync(join(BLOCKS_DIR, 'manifest.json')) ? JSON.parse(readFileSync(join(BLOCKS_DIR, 'manifest.json'), 'utf8')) : { models: [] };

describe.skipIf(manifest.models.length === 0)('PyTorch transformer, recurrent, Fourier-feature and normalised conv blocks against a float64 reference', () => {
  for (const entry of manifest.models) {
    it(`${entry.file} (${entry.ops.join(', ')})`, async () => {
      const probe = probeFromArray((entry.probe as number[][]).flat(Infinity) as number[], entry.probe.length, entry.inputShape);
      const report = await modelNtk({ path: join(BLOCKS_DIR, entry.file) }, probe, { kernel: 'full', logits: false });
      expect(report.paramCount).toBe(entry.torchParamCount);
      expect(report.k).toBe(entry.outputs);
      expect(report.summary.batch.kind).toBe('dynamic');
      expect(report.validation.maxRelError).toBeLessThan(2e-6);
      // Measured: ViT 2.2e-7, GRU 3e-8 (max abs error vs PyTorch's float32 outputs of order 1).
      expect(relErr(report.outputs, entry.expected.flat())).toBeLessThan(2e-6);
      // Measured: ViT 4.9e-7, GRU 1.1e-6 relative to the largest kernel entry.
      expect(relErr(report.ntk as Float64Array, Float64Array.from(entry.ntk.flat()))).toBeLessThan(5e-6);
    });
  }
});
