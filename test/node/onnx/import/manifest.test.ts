// Every fixture in the manifests imports with the parameter count, outputs, input shape and batch handling it must
// give, agrees with onnxruntime on probe inputs, and (for files exported by PyTorch) with PyTorch's own outputs.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { openModel } from '../../../../src-main/node/onnx/import/model-source';
import { translatedOutputs, validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { validFixtures, writeFixtures } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, externalManifest, manifest } from '../../../fixtures/onnx/manifest';
import { openFixture, probeInputs } from './helpers';

describe('fixtures made in code (manifest.ts)', () => {
  for (const entry of manifest) {
    it(`${entry.fixture}: parameters, outputs, shapes, and onnxruntime agreement`, async () => {
      const model = await openFixture(validFixtures[entry.fixture]());
      try {
        expect(model.summary.paramCount).toBe(entry.paramCount);
        expect(model.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0)).toBe(entry.paramCount);
        expect(model.outputs).toBe(entry.outputs);
        expect(model.inputShape).toEqual(entry.inputShape);
        expect(model.summary.batch.kind).toBe(entry.batch);
        expect(model.summary.opset).toBe(entry.opset);
        expect(model.summary.skippedOutputOp?.split(' ')[0]).toBe(entry.skipped);
        const n = 6;
        const x = probeInputs(n, entry.inputShape.reduce((a, b) => a * b, 1));
        const report = await validateAgainstOrt(model, x, n);
        expect(report.maxRelError).toBeLessThan(2e-6);
      } finally {
        model.dispose();
      }
    });
  }

  it('leaves no tensors behind: import, validation, eNTK and dispose', async () => {
    const before = tf.memory().numTensors;
    for (const name of ['small-cnn', 'op-zoo', 'fixed-batch-cnn']) {
      const model = await openFixture(validFixtures[name]());
      const size = model.inputShape.reduce((a, b) => a * b, 1);
      await validateAgainstOrt(model, probeInputs(2, size), 2);
      await importedNtk(model, probeInputs(2, size), 2, { kernel: 'full' });
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads external data from files beside a model on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-fixtures-'));
    const paths = await writeFixtures(dir);
    const fromDisk = await openModel({ path: paths['external-mlp'] });
    const inMemory = await openFixture(validFixtures['tiny-mlp-opset9'](), { logits: true });
    try {
      const x = probeInputs(3, 4);
      // Same seeded weights as tiny-mlp, so the logits agree.
      expect(Array.from(translatedOutputs(fromDisk, x, 3))).toEqual(Array.from(translatedOutputs(inMemory, x, 3)));
      expect((await validateAgainstOrt(fromDisk, x, 3)).maxAbsError).toBeLessThan(1e-6);
    } finally {
      fromDisk.dispose();
      inMemory.dispose();
    }
  });
});

const external = externalManifest();

describe.skipIf(external.models.length === 0)('files exported by another framework (external/manifest.json)', () => {
  for (const entry of [...external.models, ...external.series.slice(0, 1)]) {
    it(`${entry.file} (${entry.producer}, opset ${entry.opset})`, async () => {
      const whole = await openModel({ path: join(EXTERNAL_DIR, entry.file) }, { logits: false });
      try {
        expect(whole.summary.producer.split(' ')[0]).toBe(entry.producer.split(' ')[0]);
        expect(whole.summary.paramCount).toBe(entry.paramCount);
        expect(whole.outputs).toBe(entry.outputs);
        expect(whole.inputShape).toEqual(entry.inputShape);
        expect(whole.summary.batch.kind).toBe(entry.batch);
        const n = entry.probe.length;
        const x = Float64Array.from(entry.probe.flat(Infinity) as number[]);
        const ours = translatedOutputs(whole, x, n);
        const theirs = entry.expected.flat();
        for (let i = 0; i < theirs.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThan(2e-5 * Math.max(1, Math.abs(theirs[i])));
        expect((await validateAgainstOrt(whole, x, n)).maxRelError).toBeLessThan(2e-6);
      } finally {
        whole.dispose();
      }
    });
  }
});
