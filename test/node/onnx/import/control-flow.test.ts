// If nodes as exporters emit them: a shape guard (GreaterOrEqual(Shape(x)[1], c)) folds from the probe's shapes and
// only the taken branch is translated (its weights trainable, matching onnxruntime); a condition computed from data
// values is refused with a coded error naming the node.
import { describe, expect, it } from 'vitest';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { createRng, normalArray } from '../../../../src-main/core/random';
import { codedError, openFixture, probeInputs } from './helpers';

const w = (name: string, dims: number[]) => normalArray(createRng(3, name), dims.reduce((a, b) => a * b, 1), 0.5);

/** x [n, 4] -> If(cond) then Tanh(x W1) else Relu(x W2) -> Gemm head; `cond` builds the condition from x. */
function guarded(cond: (m: ModelBuilder) => string): Uint8Array {
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', 4]);
  const w1 = m.initializer('w1', 'float32', [4, 5], w('w1', [4, 5]));
  const w2 = m.initializer('w2', 'float32', [4, 5], w('w2', [4, 5]));
  const thenG = m.subgraph('then');
  thenG.output(thenG.op('Tanh', [thenG.op('MatMul', ['x', w1])]), 'float32');
  const elseG = m.subgraph('else');
  elseG.output(elseG.op('Relu', [elseG.op('MatMul', ['x', w2])]), 'float32');
  const h = m.op('If', [cond(m)], { then_branch: attr.graph(thenG), else_branch: attr.graph(elseG) });
  const head = m.initializer('head', 'float32', [2, 5], w('head', [2, 5]));
  m.output(m.op('Gemm', [h, head, m.initializer('hb', 'float32', [2], [0.1, -0.2])], { transB: attr.int(1) }), 'float32');
  return m.encode();
}

describe('If', () => {
  for (const [threshold, branch] of [[4, 'then'], [5, 'else']] as const) {
    it(`a shape guard (dim 1 >= ${threshold}) folds to the ${branch} branch, with its weights trainable`, async () => {
      const bytes = guarded((m) => {
        const dim = m.op('Gather', [m.op('Shape', ['x']), m.constI64([1], [])], { axis: attr.int(0) });
        return m.op('GreaterOrEqual', [dim, m.constI64([threshold], [])]);
      });
      const model = await openFixture({ file: 'guard.onnx', bytes });
      try {
        const taken = branch === 'then' ? 'w1' : 'w2';
        expect(model.params.map((p) => p.name).sort()).toEqual(['hb', 'head', taken].sort());
        expect(model.summary.unused).toEqual([branch === 'then' ? 'w2' : 'w1']);
        const x = probeInputs(3, 4, 9);
        const report = await validateAgainstOrt(model, x, 3);
        expect(report.maxRelError).toBeLessThan(1e-5);
        const ntk = await importedNtk(model, x, 3, { kernel: 'trace' });
        expect(ntk.lambdaMax).toBeGreaterThan(0);
      } finally {
        model.dispose();
      }
    });
  }

  it('a condition computed from data values is refused, naming the node', async () => {
    const bytes = guarded((m) => m.op('Greater', [m.op('ReduceSum', ['x'], { keepdims: attr.int(0) }), m.constF32([0])]));
    const error = await codedError(() => openFixture({ file: 'data-if.onnx', bytes }));
    expect(error.code).toBe('onnx/unsupported-op');
    expect(error.message).toMatch(/node main\/If_\d+ \(If\): the condition depends on the data values/);
  });
});
