// Checkpoint-series drift: steps from file names (sorted) or given, parameter norm and distance from the first,
// relative Frobenius drift of the kernel, extreme eigenvalues and output changes; a run of kind "import" on disk;
// a series that mixes architectures is refused; entries are handed out one by one, and an aborted signal stops the
// series with the entries so far and no tensors left behind. Series: the FCN with theta_t = theta_0 + t * 0.02 * delta (in code),
// and, when present, the PyTorch SGD checkpoints in fixtures/onnx/external/series.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type FcnArchitecture, initParams } from '../../../../src-main/core/models/architecture';
import { paramNorm, type ParamSet } from '../../../../src-main/core/models/params';
import { createRng } from '../../../../src-main/core/random';
import { checkpointDrift, type DriftEntry, stepFromName } from '../../../../src-main/node/onnx/import/checkpoint-drift';
import { writeImportRun } from '../../../../src-main/node/onnx/import/import-run-writer';
import { probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { fcnOnnx } from '../../../fixtures/onnx/fcn-onnx';
import { smallCnn, tinyMlp } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, externalManifest } from '../../../fixtures/onnx/manifest';
import { codedError, probeInputs } from './helpers';

const a: FcnArchitecture = { arch: 'fcn', inputDim: 3, outputs: 2, widths: [24, 24], bias: true, parameterization: 'ntk' };

async function fcnSeries(ts: readonly number[]): Promise<{ paths: string[]; delta: ParamSet; base: ParamSet }> {
  const base = initParams(a, 21);
  const rng = createRng(2, 'delta');
  const delta = base.map((p) => ({ ...p, values: p.values.map(() => rng.normal()) }));
  const dir = await mkdtemp(join(tmpdir(), 'onnx-series-'));
  const paths: string[] = [];
  for (const t of ts) {
    const params = base.map((p, j) => ({ ...p, values: p.values.map((v, q) => v + t * 0.02 * delta[j].values[q]) }));
    const path = join(dir, `ckpt-${t * 100}.onnx`);
    await writeFile(path, fcnOnnx(a, params, 'gemm-alpha').bytes);
    paths.push(path);
  }
  return { paths, delta, base };
}

describe('checkpoint drift', () => {
  it('sorts by the step in the file name and measures drift from the first checkpoint', async () => {
    const { paths, delta, base } = await fcnSeries([4, 0, 2, 1]);
    const probe = probeFromArray(probeInputs(5, 3, 6), 5, [3], 'probe');
    const progress: string[] = [];
    const report = await checkpointDrift(paths.map((path) => ({ path })), probe, { kernel: 'full' }, (p) => p.stage === 'done' && progress.push(`${p.index + 1}/${p.total}`));
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(report.entries.map((e) => e.step)).toEqual([0, 100, 200, 400]);
    const deltaNorm = paramNorm(delta);
    report.entries.forEach((e, i) => expect(e.paramDistance).toBeCloseTo([0, 1, 2, 4][i] * 0.02 * deltaNorm, 4));
    expect(report.entries[0].paramNorm).toBeCloseTo(paramNorm(base), 4);
    expect(report.entries[0].relDrift).toBe(0);
    expect(report.entries[0].outputChange).toBe(0);
    for (let i = 1; i < 4; i++) {
      expect(report.entries[i].relDrift).toBeGreaterThan(report.entries[i - 1].relDrift);
      expect(report.entries[i].outputChange).toBeGreaterThan(0);
    }
    for (const e of report.entries) {
      expect(e.lambdaMin).toBeGreaterThan(0);
      expect(e.lambdaMax).toBeGreaterThan(e.lambdaMin);
      expect(e.implementation).toBe('structured');
      expect(e.validation.maxRelError).toBeLessThan(1e-5);
      expect(e.outputs.length).toBe(5);
    }
    const dir = await mkdtemp(join(tmpdir(), 'import-run-'));
    await writeImportRun(dir, report);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.kind).toBe('import');
    expect((await readFile(join(dir, 'drift.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(4);
  });

  it('keeps the given order or given steps on request', async () => {
    const { paths } = await fcnSeries([2, 0]);
    const probe = probeFromArray(probeInputs(3, 3), 3, [3]);
    const given = await checkpointDrift(paths.map((path) => ({ path })), probe, { order: 'given' });
    expect(given.entries.map((e) => e.step)).toEqual([200, 0]);
    expect(given.entries[0].paramDistance).toBe(0);
    const stepped = await checkpointDrift(paths.map((path) => ({ path })), probe, { steps: [7, 3] });
    expect(stepped.entries.map((e) => e.step)).toEqual([3, 7]);
    expect(stepFromName('runs/epoch_12.onnx')).toBe(12);
    expect(stepFromName('final.onnx')).toBeUndefined();
  });

  it('hands each entry to onEntry as soon as it is measured, in series order', async () => {
    const { paths } = await fcnSeries([2, 0, 1]);
    const probe = probeFromArray(probeInputs(3, 3), 3, [3]);
    const seen: { entry: DriftEntry; index: number; total: number; doneBefore: number }[] = [];
    let done = 0;
    const report = await checkpointDrift(
      paths.map((path) => ({ path })),
      probe,
      { onEntry: (entry, index, total) => seen.push({ entry, index, total, doneBefore: done }) },
      (p) => p.stage === 'done' && done++,
    );
    expect(report.cancelled).toBe(false);
    expect(seen.map((s) => [s.index, s.total])).toEqual([[0, 3], [1, 3], [2, 3]]);
    // Each entry arrives before that checkpoint's 'done' progress, not at the end of the series.
    expect(seen.map((s) => s.doneBefore)).toEqual([0, 1, 2]);
    expect(report.entries).toHaveLength(3);
    seen.forEach((s, i) => expect(s.entry).toBe(report.entries[i]));
  });

  // The CNN keeps tfjs tensors while open (the FCN series does not), so a model left undisposed shows in tf.memory().
  const cnnSeries = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `cnn-${i}.onnx`, bytes: smallCnn().bytes }));
  const cnnProbe = () => probeFromArray(probeInputs(2, 64), 2, [1, 8, 8]);

  it('stops after the entry during which the signal aborts, releasing every model', async () => {
    const probe = cnnProbe();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const imported: number[] = [];
    const report = await checkpointDrift(
      cnnSeries(4),
      probe,
      { signal: controller.signal, onEntry: () => controller.abort() },
      (p) => p.stage === 'import' && imported.push(p.index),
    );
    expect(report.cancelled).toBe(true);
    expect(report.entries.map((e) => e.step)).toEqual([0]);
    expect(imported).toEqual([0]);
    expect(report.model?.outputs).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks the signal between validation and kernel, and before the first checkpoint', async () => {
    const probe = cnnProbe();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const stages: string[] = [];
    const report = await checkpointDrift(cnnSeries(3), probe, { signal: controller.signal }, (p) => {
      stages.push(`${p.index}:${p.stage}`);
      if (p.index === 1 && p.stage === 'validate') controller.abort();
    });
    expect(report.cancelled).toBe(true);
    expect(report.entries).toHaveLength(1);
    expect(stages).toEqual(['0:import', '0:validate', '0:kernel', '0:done', '1:import', '1:validate']);
    expect(tf.memory().numTensors).toBe(before);
    const none = await checkpointDrift(cnnSeries(3), probe, { signal: AbortSignal.abort() });
    expect(none).toMatchObject({ cancelled: true, entries: [] });
    expect(none.model).toBeUndefined();
  });

  it('stops inside a long kernel when the signal aborts, as cancelled with nothing half-measured', async () => {
    // 200 probes of the small CNN: 600 rows (layer-wise structured kernel, checked for a cancel between steps).
    const probe = probeFromArray(probeInputs(200, 64), 200, [1, 8, 8]);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const stages: string[] = [];
    const started = performance.now();
    const report = await checkpointDrift(cnnSeries(2), probe, { signal: controller.signal }, (p) => {
      stages.push(`${p.index}:${p.stage}`);
      if (p.stage === 'kernel') setTimeout(() => controller.abort(), 20);
    });
    expect(stages).toEqual(['0:import', '0:validate', '0:kernel']);
    expect(report).toMatchObject({ cancelled: true, entries: [] });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a series that mixes architectures', async () => {
    const probe = probeFromArray(probeInputs(2, 4), 2, [4]);
    const mlp = tinyMlp(13);
    const other = { ...tinyMlp(9), file: 'b.onnx' };
    const cnn = smallCnn();
    const error = await codedError(() =>
      checkpointDrift(
        [
          { name: mlp.file, bytes: mlp.bytes },
          { name: other.file, bytes: other.bytes },
          { name: cnn.file, bytes: cnn.bytes },
        ],
        probe,
        { order: 'given' },
      ),
    );
    expect(error.code).toBe('import/series-mismatch');
    expect(error.message).toMatch(/small-cnn\.onnx/);
  });

  const series = externalManifest().series;
  it.skipIf(series.length === 0)('PyTorch SGD checkpoints drift away from the first', async () => {
    const probe = probeFromArray(series[0].probe.flat(Infinity) as number[], series[0].probe.length, series[0].inputShape);
    const report = await checkpointDrift(
      series.map((s) => ({ path: join(EXTERNAL_DIR, s.file) })),
      probe,
    );
    expect(report.entries.map((e) => e.step)).toEqual([0, 5, 20, 60]);
    expect(report.entries[3].relDrift).toBeGreaterThan(report.entries[1].relDrift);
    expect(report.entries[3].paramDistance).toBeGreaterThan(report.entries[1].paramDistance);
  });
});
