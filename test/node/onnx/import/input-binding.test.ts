// Several graph inputs: recurrent state h [1, n, 3] (its batch dim in the middle) and an int64 sample rate sr, bound
// to zeros, a value or a tensor from the probe file, fed to onnxruntime alike; unbound inputs are a coded error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { inspectImport } from '../../../../src-main/node/onnx/import/inspect-import';
import { parseBindFlag } from '../../../../src-main/node/onnx/import/input-binding';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { loadProbeSet } from '../../../../src-main/node/onnx/import/probe-set';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { createRng, normalArray } from '../../../../src-main/core/random';
import { codedError, openFixture, probeInputs } from './helpers';

const w = (name: string, dims: number[]) => normalArray(createRng(8, name), dims.reduce((a, b) => a * b, 1), 0.5);

/** y = head(tanh(x W + h0 U) * sr / 16000) with h [1, n, 3] and sr an int64 scalar. */
function recurrentStep(): Uint8Array {
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', 4]);
  m.input('h', 'float32', [1, 'n', 3]);
  m.input('sr', 'int64', []);
  const xw = m.op('MatMul', ['x', m.initializer('W', 'float32', [4, 3], w('W', [4, 3]))]);
  const hu = m.op('MatMul', [m.op('Squeeze', ['h', m.constI64([0])]), m.initializer('U', 'float32', [3, 3], w('U', [3, 3]))]);
  const rate = m.op('Div', [m.op('Cast', ['sr'], { to: attr.int(1) }), m.constF32([16000])]);
  const state = m.op('Mul', [m.op('Tanh', [m.op('Add', [xw, hu])]), rate]);
  m.output(m.op('Gemm', [state, m.initializer('head', 'float32', [2, 3], w('head', [2, 3])), m.initializer('hb', 'float32', [2], [0.1, 0.2])], { transB: attr.int(1) }), 'float32');
  return m.encode();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bind-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('binding graph inputs', () => {
  it('refuses a model whose other inputs have no values, naming them', async () => {
    const error = await codedError(() => openFixture({ file: 'rnn.onnx', bytes: recurrentStep() }));
    expect(error.code).toBe('onnx/unsupported-model');
    expect(error.message).toMatch(/inputs h, sr besides the sample input x need values/);
    const partly = await codedError(() => openFixture({ file: 'rnn.onnx', bytes: recurrentStep() }, { bind: { sr: 16000 } }));
    expect(partly.message).toMatch(/inputs h besides the sample input x need values/);
  });

  it('zeros and a value: imports, matches onnxruntime fed the same values, and differentiates', async () => {
    const model = await openFixture({ file: 'rnn.onnx', bytes: recurrentStep() }, { bind: { h: 'zeros', sr: 8000 } });
    try {
      expect(model.summary.inputName).toBe('x');
      expect(model.summary.bound).toEqual({ h: 'zeros', sr: '8000' });
      expect(model.params.map((p) => p.name).sort()).toEqual(['U', 'W', 'hb', 'head']);
      const report = await validateAgainstOrt(model, probeInputs(3, 4, 2), 3);
      expect(report.maxRelError).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  it('a tensor from the probe file (batch dim 1, repeated) and --bind precedence', async () => {
    const path = join(dir, 'probe.json');
    const inputs = Array.from({ length: 3 }, (_, i) => [0.1 * i, -0.2, 0.3, 0.5 - 0.1 * i]);
    await writeFile(path, JSON.stringify({ inputs, bind: { h: [[[0.5, -0.4, 0.2]]], sr: 16000 } }));
    const probe = await loadProbeSet(path);
    const report = await modelNtk({ name: 'rnn.onnx', bytes: recurrentStep() }, probe, { kernel: 'trace' });
    expect(report.summary.bound).toEqual({ h: 'tensor [1, 1, 3]', sr: '16000' });
    expect(report.validation.maxRelError).toBeLessThan(1e-5);
    expect(report.paramCount).toBe(12 + 9 + 6 + 2);
    // U only acts through h: with h = 0 bound on the command line its gradient, and so its kernel share, vanishes.
    const zeroState = await modelNtk({ name: 'rnn.onnx', bytes: recurrentStep() }, probe, { kernel: 'trace', bind: { h: 'zeros' } });
    expect(zeroState.summary.bound.h).toBe('zeros');
    expect(zeroState.trace[0]).not.toBeCloseTo(report.trace[0], 6);
  });

  it("the app's inspection binds what is not given to zeros and lists every extra input", async () => {
    const path = join(dir, 'rnn.onnx');
    await writeFile(path, recurrentStep());
    const dto = await inspectImport({ models: [path], bind: { sr: '16000' } });
    expect(dto.model.inputName).toBe('x');
    expect(dto.model.bound).toEqual({ h: 'zeros', sr: '16000' });
  });

  it('parses name=zeros, name=value and name=file', async () => {
    expect(await parseBindFlag('h=zeros')).toEqual(['h', 'zeros']);
    expect(await parseBindFlag('sr=16000')).toEqual(['sr', 16000]);
    const file = join(dir, 'h.json');
    await writeFile(file, JSON.stringify([[[1, 2, 3]]]));
    const [name, spec] = await parseBindFlag(`h=${file}`);
    expect(name).toBe('h');
    expect(spec).toEqual({ shape: [1, 1, 3], data: Float64Array.of(1, 2, 3) });
    expect((await codedError(() => parseBindFlag('h'))).code).toBe('config/invalid');
  });
});
