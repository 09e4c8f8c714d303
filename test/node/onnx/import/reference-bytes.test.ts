// What onnxruntime is given to check a translation: the file's own bytes when its only output is the compared float
// value (no copy of megabytes of weights), else a re-encoded model whose only output is the compared value.
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../../src-main/node/onnx/onnx-schema';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { openModel } from '../../../../src-main/node/onnx/import/model-source';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { createRng, normalArray } from '../../../../src-main/core/random';

function classifier(softmax: boolean): Uint8Array {
  const m = new ModelBuilder({ opset: 17 });
  m.input('x', 'float32', ['batch', 4]);
  const w = m.initializer('fc.weight', 'float32', [3, 4], normalArray(createRng(1, 'ref-bytes'), 12, 0.5));
  const b = m.initializer('fc.bias', 'float32', [3], new Float32Array([0.1, -0.2, 0.3]));
  const logits = m.op('Gemm', ['x', w, b], { transB: attr.int(1) });
  m.output(softmax ? m.op('Softmax', [logits], { axis: attr.int(-1) }) : logits, 'float32', ['batch', 3]);
  return m.encode();
}

const x = Float64Array.from(normalArray(createRng(2, 'ref-bytes'), 8, 1));

describe('onnxruntime reference bytes', () => {
  it('are the file as read when its only output is f(x)', async () => {
    const bytes = classifier(false);
    const model = await openModel({ name: 'linear.onnx', bytes });
    try {
      expect(model.referenceBytes).toBe(bytes);
      expect((await validateAgainstOrt(model, x, 2)).maxRelError).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  it('are a model whose only output is the logits when f(x) is taken under a final Softmax', async () => {
    const bytes = classifier(true);
    const model = await openModel({ name: 'softmax.onnx', bytes });
    try {
      expect(model.summary.skippedOutputOp).toMatch(/^Softmax/);
      expect(model.referenceBytes).not.toBe(bytes);
      expect(decodeModel(model.referenceBytes).graph?.output?.map((o) => o.name)).toEqual([model.summary.outputName]);
      expect((await validateAgainstOrt(model, x, 2)).comparedOn).toBe(model.summary.outputName);
    } finally {
      model.dispose();
    }
  });
});
