// The import job against a real store: each checkpoint's metrics are committed before the next is measured (and
// streamed as one point), wall times count from the job's start, and a cancel mid-series keeps what was finished.
// Series: the PyTorch SGD checkpoints in fixtures/onnx/external/series, probed with the inputs of its manifest.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricPointDto, ProgressDto } from '../../../src-main/contract/api';
import { runImportJob } from '../../../src-main/node/jobs/import-job';
import type { RunState } from '../../../src-main/node/store/types';
import { EXTERNAL_DIR, externalManifest } from '../../fixtures/onnx/manifest';
import { tempDir, tempStore } from '../store/temp-store';

const METRICS = ['paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'outputChange', 'maxAbsOutputChange', 'validation/maxAbsError', 'kernelSeconds'];
const series = externalManifest().series;

async function importRun() {
  const store = tempStore();
  const probe = join(tempDir('ntk-probe-'), 'probe.json');
  await writeFile(probe, JSON.stringify({ inputs: series[0].probe }));
  const project = store.projects.create('import job');
  const models = series.map((s) => join(EXTERNAL_DIR, s.file));
  const run = store.runs.create(project.id, { kind: 'import', config: { models, probe, kernel: 'trace', keepSoftmax: false } });
  return { store, runId: run.id };
}

describe.skipIf(series.length === 0)('import job', () => {
  it('commits and streams each checkpoint as soon as it is measured', async () => {
    const { store, runId } = await importRun();
    const points: MetricPointDto[] = [];
    const committed: number[] = [];
    const progress: ProgressDto[] = [];
    const statuses: RunState[] = [];
    await runImportJob(store, runId, {
      listener: {
        onPoints: (batch) => {
          points.push(...batch);
          committed.push(store.metrics.read(runId, { names: ['relDrift'] }).relDrift.steps.length);
          expect(store.runs.get(runId).status).toBe('running');
        },
        onProgress: (p) => progress.push(p),
        onStatus: (status) => statuses.push(status),
      },
    });
    expect(statuses).toEqual(['running', 'done']);
    expect(committed).toEqual([1, 2, 3, 4]);
    expect(points.map((p) => p.step)).toEqual([0, 5, 20, 60]);
    expect(progress.map((p) => [p.step, p.total])).toEqual([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
    const stored = store.metrics.read(runId);
    expect(Object.keys(stored).sort()).toEqual([...METRICS].sort());
    expect(Array.from(stored.relDrift.steps)).toEqual([0, 5, 20, 60]);
    expect(stored.relDrift.values[0]).toBe(0);
    points.forEach((p, i) => expect(p.values.relDrift).toBe(stored.relDrift.values[i]));
    // Wall time is time since the job started: it grows, and covers at least that checkpoint's own kernel.
    const wall = Array.from(stored.relDrift.wallTimes);
    for (let i = 1; i < wall.length; i++) expect(wall[i]).toBeGreaterThanOrEqual(wall[i - 1]);
    wall.forEach((w, i) => expect(w).toBeGreaterThanOrEqual(stored.kernelSeconds.values[i] - 1e-3));
    expect(store.runs.get(runId)).toMatchObject({ status: 'done', summary: { checkpoints: 4, finalRelDrift: stored.relDrift.values[3], finalParamDistance: stored.paramDistance.values[3] } });
    // Seconds per stage over the series; its kernel + spectrum are the checkpoints' recorded kernel seconds.
    const timings = store.runs.get(runId).summary?.timings as Record<string, number>;
    expect(Object.keys(timings)).toEqual(['read', 'translate', 'check', 'kernel', 'spectrum', 'write']);
    for (const seconds of Object.values(timings)) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(timings.kernel + timings.spectrum).toBeCloseTo(stored.kernelSeconds.values.reduce((a, b) => a + b, 0), 6);
  });

  it('stores each checkpoint\'s kernel with its eigenvalues, consistent with the recorded drift', async () => {
    const { store, runId } = await importRun();
    const kernelSteps: number[] = [];
    await runImportJob(store, runId, { listener: { onKernel: (step) => kernelSteps.push(step) } });
    const n = series[0].probe.length;
    expect(kernelSteps).toEqual([0, 5, 20, 60]);
    expect(store.kernels.list(runId).map((k) => [k.step, k.kind, k.rows, k.hasData])).toEqual(kernelSteps.map((s) => [s, 'trace', n, true]));
    const kernels = kernelSteps.map((s) => store.kernels.get(runId, s)!);
    const first = kernels[0].data!;
    const metrics = store.metrics.read(runId, { names: ['relDrift', 'lambdaMin', 'lambdaMax'] });
    kernels.forEach((k, i) => {
      let diff = 0;
      let norm = 0;
      for (let q = 0; q < first.length; q++) {
        diff += (k.data![q] - first[q]) ** 2;
        norm += first[q] ** 2;
      }
      expect(Math.sqrt(diff / norm)).toBeCloseTo(metrics.relDrift.values[i], 10);
      expect(k.eigenvalues).toHaveLength(n);
      expect(k.eigenvalues![0]).toBeCloseTo(metrics.lambdaMin.values[i], 8);
      expect(k.eigenvalues![n - 1]).toBeCloseTo(metrics.lambdaMax.values[i], 8);
    });
  });

  it('stops at a cancel mid-series as cancelled, keeping the checkpoints done', async () => {
    const { store, runId } = await importRun();
    const controller = new AbortController();
    const points: MetricPointDto[] = [];
    const statuses: RunState[] = [];
    await runImportJob(store, runId, {
      signal: controller.signal,
      listener: {
        onPoints: (batch) => {
          points.push(...batch);
          controller.abort();
        },
        onStatus: (status) => statuses.push(status),
      },
    });
    expect(statuses).toEqual(['running', 'cancelled']);
    expect(points.map((p) => p.step)).toEqual([0]);
    const run = store.runs.get(runId);
    expect(run.status).toBe('cancelled');
    expect(run.error).toBeNull();
    expect(run.summary).toMatchObject({ checkpoints: 1, files: [{ step: 0 }], model: { outputs: series[0].outputs } });
    const stored = store.metrics.read(runId);
    expect(Object.keys(stored).sort()).toEqual([...METRICS].sort());
    for (const name of METRICS) expect(Array.from(stored[name].steps)).toEqual([0]);
  });

  it('records a failure without throwing, keeping the checkpoints committed before it', async () => {
    const { store, runId } = await importRun();
    const statuses: RunState[] = [];
    await runImportJob(store, runId, {
      listener: {
        onPoints: () => {
          throw new Error('listener broke');
        },
        onStatus: (status) => statuses.push(status),
      },
    });
    expect(statuses).toEqual(['running', 'failed']);
    expect(store.runs.get(runId)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/listener broke/) } });
    expect(Array.from(store.metrics.read(runId).relDrift.steps)).toEqual([0]);
  });
});
