// Which initializers become trainable parameters: weights and biases of layers (through Identity/Reshape views),
// normalisation scales and shifts, elementwise scales after a layer; not running statistics, scalar multipliers,
// preprocessing constants on the input, shape constants, frozen names, or weights the output does not depend on.
// A parameter that an exporter also wires into a constant slot (deduplicated BatchNorm statistics) is read there as a
// constant, so the kernel equals that of the same model with separate constants.
import { describe, expect, it } from 'vitest';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { residualMlp, smallCnn } from '../../../fixtures/onnx/make-fixtures';
import { openFixture, probeInputs } from './helpers';
import { relErr } from '../../../helpers/rel-err';

const names = (model: { params: readonly { name: string }[] }) => model.params.map((p) => p.name);

describe('parameter selection', () => {
  it('an STFT basis and a mel filter bank before a log are marked as fixed transforms; the classifier is not', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 1, 16]);
    const values = (count: number, seed: number) => Array.from({ length: count }, (_, i) => Math.sin(0.7 * i + seed));
    const spectrum = m.op('Pow', [m.op('Conv', ['x', m.initializer('stft.basis', 'float32', [8, 1, 4], values(32, 1))], { strides: attr.ints([2]) }), m.constF32([2])]);
    const mel = m.op('MatMul', [m.op('Transpose', [spectrum], { perm: attr.ints([0, 2, 1]) }), m.initializer('mel.filters', 'float32', [8, 4], values(32, 2).map(Math.abs))]);
    const logMel = m.op('Log', [m.op('Add', [mel, m.constF32([1e-3])])]);
    const hidden = m.op('Relu', [m.op('Gemm', [m.op('Flatten', [logMel]), m.initializer('fc.weight', 'float32', [5, 28], values(140, 3)), m.initializer('fc.bias', 'float32', [5], values(5, 4))], { transB: attr.int(1) })]);
    m.output(m.op('Gemm', [hidden, m.initializer('out.weight', 'float32', [2, 5], values(10, 5)), m.initializer('out.bias', 'float32', [2], [0, 0])], { transB: attr.int(1) }), 'float32');
    const model = await openFixture({ file: 'log-mel.onnx', bytes: m.encode() });
    try {
      expect(model.paramInfo.filter((p) => p.fixedTransform).map((p) => p.name)).toEqual(['stft.basis', 'mel.filters']);
      expect(names(model)).toEqual(['stft.basis', 'mel.filters', 'fc.weight', 'fc.bias', 'out.weight', 'out.bias']);
    } finally {
      model.dispose();
    }
  });

  it('CNN: conv, BatchNorm affine and linear parameters; running statistics stay constant', async () => {
    const model = await openFixture(smallCnn());
    try {
      expect(names(model)).toEqual(['conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias']);
      expect(model.summary.constants).toEqual(['bn1.running_mean', 'bn1.running_var']);
      expect(model.paramInfo.find((p) => p.name === 'bn1.weight')?.feeds).toMatch(/^BatchNormalization .* input 1$/);
    } finally {
      model.dispose();
    }
  });

  it('residual MLP: scalar multipliers and the GELU constants are not parameters; LayerNorm affine ones are', async () => {
    const model = await openFixture(residualMlp());
    try {
      expect(names(model)).toContain('norm.weight');
      expect(names(model)).toContain('block1.fc2.bias');
      expect(names(model).some((n) => n.startsWith('c_'))).toBe(false);
      expect(model.summary.constants.length).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });

  it('preprocessing on the input stays constant; a per-feature scale after a layer trains; freeze by name and pattern', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 3]);
    const centred = m.op('Div', [m.op('Sub', ['x', m.initializer('mean', 'float32', [3], [0.1, 0.2, 0.3])]), m.initializer('std', 'float32', [3], [1, 2, 3])]);
    const h = m.op('MatMul', [centred, m.initializer('w1', 'float32', [3, 4], new Float32Array(12).fill(0.3))]);
    const scaled = m.op('Mul', [m.op('Mul', [h, m.initializer('gain', 'float32', [4], [1, 2, 3, 4])]), m.initializer('temperature', 'float32', [], [0.5])]);
    const y = m.op('Add', [m.op('MatMul', [m.op('Tanh', [scaled]), m.initializer('w2', 'float32', [4, 2], new Float32Array(8).fill(0.2))]), m.initializer('b2', 'float32', [2], [0, 1])]);
    m.output(y, 'float32');
    const f = { file: 'pre.onnx', bytes: m.encode() };
    const model = await openFixture(f);
    const frozen = await openFixture(f, { freeze: ['gain', /^b/] });
    try {
      expect(names(model)).toEqual(['w1', 'gain', 'w2', 'b2']);
      expect(model.summary.constants).toEqual(['mean', 'std', 'temperature']);
      expect(names(frozen)).toEqual(['w1', 'w2']);
      expect(frozen.summary.frozen).toEqual(['gain', 'b2']);
    } finally {
      model.dispose();
      frozen.dispose();
    }
  });

  it('weights that only feed another output, or only a Shape, are kept constant', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 3]);
    const w = m.initializer('w', 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    const other = m.initializer('other', 'float32', [2, 3], [1, 0, 0, 0, 1, 0]);
    const shapeOnly = m.initializer('shape_only', 'float32', [3, 2], [1, 1, 1, 1, 1, 1]);
    const main = m.op('Gemm', ['x', w], { transB: attr.int(1) });
    const reshaped = m.op('Reshape', [main, m.op('Shape', [m.op('MatMul', ['x', shapeOnly])])]);
    m.output(reshaped, 'float32');
    m.output(m.op('Gemm', ['x', other], { transB: attr.int(1) }), 'float32');
    const model = await openFixture({ file: 'two-outputs.onnx', bytes: m.encode() });
    try {
      expect(names(model)).toEqual(['w']);
      expect(model.summary.unused).toEqual(['other', 'shape_only']);
    } finally {
      model.dispose();
    }
  });

  it('deduplicated BatchNorm statistics (running_var = Identity(weight)) carry no gradient', async () => {
    const build = (dedup: boolean) => {
      const m = new ModelBuilder({ opset: 13 });
      m.input('x', 'float32', ['n', 2, 3, 3]);
      const conv = m.op('Conv', ['x', m.initializer('k', 'float32', [3, 2, 2, 2], Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)))]);
      const scale = m.initializer('bn.weight', 'float32', [3], [1, 1, 1]);
      const shift = m.initializer('bn.bias', 'float32', [3], [0, 0, 0]);
      const mean = dedup ? m.op('Identity', [shift]) : m.initializer('bn.running_mean', 'float32', [3], [0, 0, 0]);
      const variance = dedup ? m.op('Identity', [scale]) : m.initializer('bn.running_var', 'float32', [3], [1, 1, 1]);
      const bn = m.op('BatchNormalization', [conv, scale, shift, mean, variance]);
      const flat = m.op('Flatten', [m.op('Relu', [bn])]);
      m.output(m.op('Gemm', [flat, m.initializer('fc', 'float32', [2, 12], Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)))], { transB: attr.int(1) }), 'float32');
      return { file: `bn-${dedup}.onnx`, bytes: m.encode() };
    };
    const separate = await openFixture(build(false));
    const dedup = await openFixture(build(true));
    try {
      expect(names(dedup)).toEqual(names(separate));
      const x = probeInputs(3, 18, 2);
      const a = await importedNtk(separate, x, 3, { kernel: 'full' });
      const b = await importedNtk(dedup, x, 3, { kernel: 'full' });
      expect(relErr(b.ntk as Float64Array, a.ntk as Float64Array)).toBeLessThan(1e-6);
    } finally {
      separate.dispose();
      dedup.dispose();
    }
  });
});
