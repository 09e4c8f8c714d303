// Fault injection, non-finite values at every stage (issue 9): data, loss, outputs, parameters, kernel, spectrum.
// Each must end in a clear coded error or a clean `diverged` run whose committed metrics are all kept and finite.
// Loss divergence and the large-learning-rate overflow are real runs; outputs, parameters and kernels are made
// non-finite by wrapping the real step engine at a chosen step, so the check that catches each one is exercised.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src-main/contract/run-config';
import { makeDataset } from '../../src-main/core/data/dataset';
import { encodeNpy } from '../../src-main/core/io/npy';
import { gramSpectrum, symmetricEigenvalues } from '../../src-main/core/linalg/spectrum';
import { createTfjsMatmulEngine } from '../../src-main/core/linalg/tfjs-matmul-engine';
import { initParams, type Architecture } from '../../src-main/core/models/architecture';
import type { ParamSet } from '../../src-main/core/models/params';
import { architectureNtkModel, empiricalNtkFn } from '../../src-main/core/ntk/empirical-ntk';
import type { StepEngine } from '../../src-main/core/train/step-engine';
import { runTraining } from '../../src-main/core/train/train-run';
import type { MetricsRecord, TrainEngines, TrainResult } from '../../src-main/core/train/train-types';
import { parseRunConfig } from '../../src-main/node/config-file';
import { loadDataFiles } from '../../src-main/node/data/files';
import { createRunLifecycle } from '../../src-main/node/jobs/run-lifecycle';
import { createStoreSink } from '../../src-main/node/jobs/store-sink';
import { setUpTraining } from '../../src-main/node/train-setup';
import { largeLrBce } from '../helpers/large-lr-config';
import { tempDir, tempStore } from '../node/store/temp-store';

const base = {
  seed: 1,
  steps: 60,
  model: { arch: 'fcn', depth: 2, width: 32, bias: true },
  loss: { kind: 'bce', reduction: 'mean' },
  optimizer: { kind: 'gd', lr: 0.1 },
  data: { kind: 'circle', n: 6 },
  ntk: { circleSweep: 9 },
  logging: { metrics: { every: 10 }, kernels: { every: 20 } },
};

type Fault = 'outputs' | 'parameters' | 'kernel';

/** Wraps the real engine: from `fromStep` on, one output, one parameter, or the parameters the kernel sees go bad. */
function faulty(engines: TrainEngines, fault: Fault, fromStep: number): TrainEngines {
  return {
    matmul: engines.matmul,
    async createStepEngine(spec) {
      const engine = await engines.createStepEngine(spec);
      let step = 0;
      const poisoned = (params: ParamSet): ParamSet =>
        params.map((p, i) => (fault === 'kernel' ? { ...p, values: p.values.map((v) => v * 1e19) } : i !== 1 ? p : { ...p, values: p.values.map((v, j) => (j === 3 ? Infinity : v)) }));
      const wrapped: StepEngine = {
        name: engine.name,
        step: async () => {
          const loss = await engine.step();
          step++;
          return loss;
        },
        evaluate: async () => {
          const e = await engine.evaluate();
          if (fault !== 'outputs' || step < fromStep) return e;
          const outputs = Float32Array.from(e.outputs);
          outputs[2] = NaN;
          return { loss: e.loss, outputs };
        },
        readParams: async () => {
          const params = await engine.readParams();
          return fault !== 'outputs' && step >= fromStep ? poisoned(params) : params;
        },
        dispose: () => engine.dispose(),
      };
      return wrapped;
    },
  };
}

/** A run into a real workspace store through the store sink train jobs use. */
async function storedRun(config: RunConfig, wrap: (engines: TrainEngines) => TrainEngines) {
  const store = tempStore();
  const project = store.projects.create('faults');
  const run = store.runs.create(project.id, { kind: 'train', config });
  const setup = await setUpTraining(config);
  const sink = createStoreSink(store, createRunLifecycle(store, run.id), config, setup);
  const records: MetricsRecord[] = [];
  const onMetrics = sink.callbacks.onMetrics;
  const callbacks = { ...sink.callbacks, onMetrics: (r: MetricsRecord) => (records.push(r), onMetrics?.(r)) };
  const result: TrainResult = await runTraining(config, setup.data, wrap(setup.engines), callbacks);
  sink.finish(result);
  return { store, runId: run.id, result, records };
}

/** Every metric committed before the divergence is in the store, finite, and none is from the diverged step or later. */
function expectCommittedKept(stored: Awaited<ReturnType<typeof storedRun>>): void {
  const { store, runId, result, records } = stored;
  const divergedAt = result.summary.divergedAt as number;
  expect(records.length).toBeGreaterThan(0);
  for (const r of records) expect(r.step).toBeLessThan(divergedAt);
  const loss = store.metrics.read(runId, { names: ['loss', 'lambdaMin'] });
  expect(Array.from(loss.loss.steps)).toEqual(records.map((r) => r.step));
  for (const v of loss.loss.values) expect(Number.isFinite(v)).toBe(true);
  for (const v of loss.lambdaMin.values) expect(Number.isFinite(v)).toBe(true);
  const run = store.runs.get(runId);
  expect(run.status).toBe('failed');
  expect(run.error?.code).toBe('train/non-finite');
  expect(run.summary).toMatchObject({ status: 'diverged', divergedAt, reason: result.summary.reason });
}

describe('non-finite data is refused with data/invalid', () => {
  it('in memory, CSV (nan, overflow) and npy (Infinity)', async () => {
    expect(() => makeDataset([0, 1, NaN, 2], [0, 1], 2, 2, 'test')).toThrow(expect.objectContaining({ code: 'data/invalid' }));
    const dir = tempDir('ntk-fault-data-');
    const labels = join(dir, 'labels.json');
    await writeFile(labels, JSON.stringify([0, 1]));
    const cases: [string, string | Uint8Array][] = [
      ['nan.csv', '0.5,1\nnan,2\n'],
      ['overflow.csv', '0.5,1\n1e400,2\n'],
      ['inf.npy', encodeNpy({ dtype: 'float64', shape: [2, 2], data: Float64Array.of(0, 1, Infinity, 2) })],
    ];
    for (const [name, content] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      await expect(loadDataFiles(path, labels)).rejects.toMatchObject({ code: 'data/invalid' });
    }
  });
});

describe('non-finite values during training end the run as diverged with every committed metric kept', () => {
  it('loss: MSE at lr 1000 (a real run)', async () => {
    const config = parseRunConfig({ ...base, loss: { kind: 'mse', targets: 'plus-minus' }, optimizer: { kind: 'gd', lr: 1000 } });
    const stored = await storedRun(config, (e) => e);
    expect(stored.result.summary.reason).toMatch(/^loss became (NaN|Infinity) at step \d+$/);
    expect(stored.result.summary.stepsDone).toBe((stored.result.summary.divergedAt as number) + 1);
    expectCommittedKept(stored);
  });

  it('parameters and kernel: BCE at lr 1e4 overflows them while the loss stays finite (a real run)', async () => {
    const config = parseRunConfig(largeLrBce);
    const stored = await storedRun(config, (e) => e);
    expect(stored.result.summary.status).toBe('diverged');
    expectCommittedKept(stored);
  });

  for (const [fault, pattern] of [
    ['outputs', /^outputs non-finite at step 30: f\(x_2\)\[0\] = NaN \(all finite at the previous check, step 20\)$/],
    ['parameters', /^parameters non-finite at step 30: b1\[3\] = Infinity \(all finite at the previous check, step 20\)$/],
    ['kernel', /^kernel non-finite at step 40: entry \d+ = (NaN|-?Infinity) \(all finite at the previous check, step 30\)$/],
  ] as const) {
    it(`${fault}: injected from step 25, caught at the next check`, async () => {
      const config = parseRunConfig({ ...base, model: { ...base.model }, ntk: { implementation: 'structured' } });
      const stored = await storedRun(config, (e) => faulty(e, fault, 25));
      expect(stored.result.summary.status).toBe('diverged');
      expect(stored.result.summary.reason).toMatch(pattern);
      expect(stored.result.summary.stepsDone).toBe(stored.result.summary.divergedAt);
      expectCommittedKept(stored);
    });
  }
});

describe('non-finite kernels and spectra are refused with ntk/non-finite', () => {
  const a: Architecture = { arch: 'fcn', inputDim: 2, outputs: 1, widths: [16, 16], bias: false, parameterization: 'ntk' };

  it('an overflowing kernel reaches the spectrum as a coded error, not a crash inside ml-matrix', async () => {
    const params = initParams(a, 3).map((p) => ({ ...p, values: p.values.map((v) => v * 1e19) }));
    const kernel = await empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel: 'full', engine: createTfjsMatmulEngine() })(Float64Array.of(1, 0, 0, 1, 0.6, 0.8), undefined, params);
    expect(kernel.some((v) => !Number.isFinite(v))).toBe(true);
    await expect(gramSpectrum(kernel, 3)).rejects.toThrow(expect.objectContaining({ code: 'ntk/non-finite' }));
  });

  it('NaN, Infinity and overflowing entries, on the full and the Lanczos path', async () => {
    const n = 6;
    const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const a2 = Float64Array.from(identity);
      a2[7] = bad;
      await expect(gramSpectrum(a2, n)).rejects.toThrow(expect.objectContaining({ code: 'ntk/non-finite', message: expect.stringContaining('row 1, column 1') }));
      await expect(gramSpectrum(a2, n, { fullMax: 2 })).rejects.toThrow(expect.objectContaining({ code: 'ntk/non-finite' }));
      expect(() => symmetricEigenvalues(a2, n)).toThrow(expect.objectContaining({ code: 'ntk/non-finite' }));
    }
    const huge = identity.map((v) => v * 1.7e308);
    huge[1] = 1.7e308;
    huge[n] = 1.7e308;
    await expect(gramSpectrum(huge, n)).rejects.toThrow(expect.objectContaining({ code: 'ntk/non-finite' }));
    // Large but representable: scaled inside, exact eigenvalues back (the QL iteration alone crashed here).
    const large = await gramSpectrum(identity.map((v) => v * 1e200), n);
    expect(large.lambdaMin / 1e200).toBeCloseTo(1, 12);
    expect(large.lambdaMax / 1e200).toBeCloseTo(1, 12);
    await expect(gramSpectrum(new Float64Array(5), n)).rejects.toThrow(expect.objectContaining({ code: 'ntk/non-finite' }));
  });
});
