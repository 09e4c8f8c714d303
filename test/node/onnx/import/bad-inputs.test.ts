// Every bad input named in issue 5 ends in a CodedError with a stable code and a message that says what is wrong:
// broken files (make-fixtures.ts brokenFixtures), probe shape mismatches, NaN probes, external data escaping the
// model's folder, and a translation that disagrees with onnxruntime.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../../src-main/node/onnx/import/import-context';
import { defaultRegistry } from '../../../../src-main/node/onnx/import/importer-registry';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { loadProbeSet, probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { TensorProtoDataLocation } from '../../../../src-main/node/onnx/onnx-schema';
import { encodeModel } from '../../../../src-main/node/onnx/onnx-schema';
import { brokenFixtures, tinyMlp, smallCnn } from '../../../fixtures/onnx/make-fixtures';
import { codedError, openFixture, probeInputs } from './helpers';

describe('broken models', () => {
  for (const [name, { fixture, code, message }] of Object.entries(brokenFixtures)) {
    it(`${name} -> ${code}`, async () => {
      const f = fixture();
      const error = await codedError(() => defaultRegistry().open(memoryContext(f.file, f.bytes, f.siblings)));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });
  }

  it('refuses external data outside the model folder', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 2]);
    const w = m.initializer('w', 'float32', [2, 2], [1, 0, 0, 1]);
    m.output(m.op('MatMul', ['x', w]), 'float32');
    const proto = m.toModelProto();
    const t = proto.graph?.initializer?.[0];
    if (t) {
      t.rawData = undefined;
      t.dataLocation = TensorProtoDataLocation.EXTERNAL;
      t.externalData = [{ key: 'location', value: '../../etc/passwd' }];
    }
    const error = await codedError(() => defaultRegistry().open(memoryContext('escape.onnx', encodeModel(proto))));
    expect(error.code).toBe('onnx/invalid-model');
    expect(error.message).toMatch(/outside the model's folder/);
  });
});

describe('probe sets', () => {
  it('a probe whose samples do not fill the input -> data/shape-mismatch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-probe-'));
    const model = join(dir, 'cnn.onnx');
    await writeFile(model, smallCnn().bytes);
    const probe = probeFromArray(probeInputs(2, 63), 2, [63], 'p.json');
    const error = await codedError(() => modelNtk({ path: model }, probe, { kernel: 'trace' }));
    expect(error.code).toBe('data/shape-mismatch');
    expect(error.message).toMatch(/\[63\].*\[1, 8, 8\]/);
  });

  it('a flattened probe fits an image input with the same number of values', async () => {
    const f = smallCnn();
    const report = await modelNtk({ name: f.file, bytes: f.bytes }, probeFromArray(probeInputs(2, 64), 2, [64]), { kernel: 'trace' });
    expect(report.trace.length).toBe(4);
  });

  it('NaN in a probe file or array -> data/invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-probe-'));
    const csv = join(dir, 'p.csv');
    await writeFile(csv, '1,2,3,4\nnan,0,0,0\n');
    expect((await codedError(() => loadProbeSet(csv))).code).toBe('data/invalid');
    const f = tinyMlp();
    const error = await codedError(() => modelNtk({ name: f.file, bytes: f.bytes }, probeFromArray([1, 2, NaN, 4], 1, [4]), { kernel: 'trace' }));
    expect(error.code).toBe('data/invalid');
  });

  it('MNIST subsets load as probes', async () => {
    const probe = await loadProbeSet('mnist:3:1');
    expect(probe.n).toBe(3);
    expect(probe.sampleShape).toEqual([784]);
  });
});

describe('onnxruntime validation', () => {
  it('refuses a translation past tolerance with onnx/validation-failed and the errors', async () => {
    const model = await openFixture(smallCnn());
    try {
      const x = probeInputs(3, 64);
      const report = await validateAgainstOrt(model, x, 3);
      // float32 on both sides, different summation orders: small but not zero.
      expect(report.maxAbsError).toBeGreaterThan(0);
      const error = await codedError(() => validateAgainstOrt(model, x, 3, { abs: report.maxRelError / 4, rel: 0 }));
      expect(error.code).toBe('onnx/validation-failed');
      expect(error.message).toMatch(/max abs error .* of the scale/);
    } finally {
      model.dispose();
    }
  });

  it('non-finite outputs are refused', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 2]);
    m.output(m.op('Log', [m.op('Sub', ['x', m.constF32([10])])]), 'float32');
    const model = await openFixture({ file: 'log.onnx', bytes: m.encode() });
    try {
      const error = await codedError(() => validateAgainstOrt(model, Float64Array.of(1, 2), 1));
      expect(error.code).toBe('onnx/validation-failed');
      expect(error.message).toMatch(/NaN/);
    } finally {
      model.dispose();
    }
  });

  it('a graph reading an output the importer does not produce is refused', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 1, 4, 4]);
    m.node('MaxPool', ['x'], ['pooled', 'indices'], { kernel_shape: attr.ints([2, 2]) });
    m.output(m.op('Add', ['pooled', m.op('Cast', ['indices'], { to: attr.int(1) })]), 'float32');
    const error = await codedError(() => openFixture({ file: 'indices.onnx', bytes: m.encode() }));
    expect(error.code).toBe('onnx/unsupported-op');
    expect(error.message).toMatch(/indices/);
  });
});
