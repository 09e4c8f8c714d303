import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src-main/node/config-file';
import { trainToDirectory } from '../../src-main/node/train-to-directory';
import { decodeNpy } from '../../src-main/core/io/npy';
import { loadParams } from '../../src-main/node/params-io';
import { scheduleSteps } from '../../src-main/core/train/schedule';
import { largeLrBce } from '../helpers/large-lr-config';

const smallFig1 = {
  seed: 0,
  steps: 300,
  model: { arch: 'fcn', depth: 3, width: 64, bias: false },
  loss: { kind: 'bce', reduction: 'mean' },
  optimizer: { kind: 'gd', lr: 0.1 },
  data: { kind: 'circle', n: 6 },
  ntk: { circleSweep: 21 },
  logging: { metrics: { logSpaced: 20 }, kernels: { logSpaced: 6 }, trackSamples: [0, 1, 2, 3, 4, 5] },
};

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('trainToDirectory', () => {
  it('writes config, metrics, kernels, spectra, sweep and parameters that read back', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ntk-train-'));
    const config = parseRunConfig(smallFig1);
    const summary = await trainToDirectory(config, out);
    expect(summary.status).toBe('completed');
    expect(summary.stepsDone).toBe(300);

    const meta = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(meta.config.steps).toBe(300);
    expect(['wasm', 'cpu', 'tensorflow']).toContain(meta.environment.name);
    expect(meta.run.paramCount).toBe(2 * 64 + 64 * 64 * 2 + 64);

    const metrics = await readJsonl(join(out, 'metrics.jsonl'));
    const expectedSteps = [...new Set([...scheduleSteps({ logSpaced: 20 }, 300), ...scheduleSteps({ logSpaced: 6 }, 300)])].sort((a, b) => a - b);
    expect(metrics.map((m) => m.step)).toEqual(expectedSteps);
    const first = metrics[0];
    const last = metrics[metrics.length - 1];
    expect((first.outputs as number[][]).length).toBe(6);
    expect(last.loss as number).toBeLessThan(first.loss as number);
    expect(first.relDrift).toBe(0);
    expect(last.relDrift as number).toBeGreaterThan(0);
    expect(last.paramDistance as number).toBeGreaterThan(0);

    const index = JSON.parse(await readFile(join(out, 'kernels', 'index.json'), 'utf8')) as { step: number; file: string; rows: number }[];
    expect(index.length).toBe(scheduleSteps({ logSpaced: 6 }, 300).length);
    const k0 = decodeNpy(new Uint8Array(await readFile(join(out, index[0].file))));
    expect(k0.shape).toEqual([6, 6]);
    expect(k0.dtype).toBe('float64');
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(k0.data[i * 6 + j]).toBeCloseTo(k0.data[j * 6 + i] as number, 6);

    const sweep = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    expect(sweep.phis.length).toBe(21);
    expect(sweep.analytic.length).toBe(21);
    expect(sweep.steps[0].values.length).toBe(21);

    const spectra = await readJsonl(join(out, 'spectra.jsonl'));
    expect((spectra[0].eigenvalues as number[]).length).toBe(6);

    const initial = await loadParams(join(out, 'params', 'initial'));
    const final = await loadParams(join(out, 'params', 'final'));
    expect(initial.map((p) => p.name)).toEqual(['W1', 'W2', 'W3', 'Wout']);
    expect(final[0].values[0]).not.toBe(initial[0].values[0]);
    expect((await readdir(out)).sort()).toEqual(['analytic.npy', 'config.json', 'kernels', 'metrics.jsonl', 'params', 'spectra.jsonl', 'summary.json', 'sweep.json']);
  });

  it('stops with a reason when the loss becomes non-finite', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ntk-nan-'));
    const config = parseRunConfig({ ...smallFig1, steps: 200, loss: { kind: 'mse', targets: 'plus-minus' }, optimizer: { kind: 'gd', lr: 1000 } });
    const summary = await trainToDirectory(config, out);
    expect(summary.status).toBe('diverged');
    expect(summary.reason).toMatch(/loss became (NaN|Infinity)/);
    expect(summary.stepsDone).toBeLessThan(200);
    const saved = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(saved.status).toBe('diverged');
  });

  it('stops as diverged when a large learning rate under BCE overflows the parameters while the loss stays finite', async () => {
    // Issue 9: lr 1e4 under BCE drove the parameters and kernel to Infinity/NaN with a finite loss, and the spectrum
    // crashed inside ml-matrix with no summary.json.
    const out = await mkdtemp(join(tmpdir(), 'ntk-lr-'));
    const config = parseRunConfig(largeLrBce);
    const summary = await trainToDirectory(config, out);
    expect(summary.status).toBe('diverged');
    expect(summary.reason).toMatch(/^(parameters|outputs|kernel|sweep kernel) non-finite at step|^loss became/);
    expect(summary.reason).toContain(`step ${summary.divergedAt}`);
    expect(summary.divergedAt).toBeLessThan(300);
    const saved = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(saved.status).toBe('diverged');
    expect(saved.divergedAt).toBe(summary.divergedAt);
    const metrics = await readJsonl(join(out, 'metrics.jsonl'));
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) expect(m.step as number).toBeLessThanOrEqual(summary.divergedAt as number);
  });

  it('cancels between steps when the signal aborts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ntk-cancel-'));
    const controller = new AbortController();
    const summary = await trainToDirectory(parseRunConfig({ ...smallFig1, steps: 100_000 }), out, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step >= 25) controller.abort();
      },
    });
    // Multi-step engines hand back progress per chunk, so the stop lands at the first chunk end past step 25.
    expect(summary.status).toBe('cancelled');
    expect(summary.stepsDone).toBeGreaterThanOrEqual(25);
    expect(summary.stepsDone).toBeLessThan(100_000);
    expect(summary.reason).toBe(`cancelled at step ${summary.stepsDone}`);
  });
});

describe('the paper\'s Fig. 1 claim at a small width', () => {
  it('under cross-entropy the outputs grow roughly linearly in log(step)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ntk-fig1-'));
    const config = parseRunConfig({
      ...smallFig1,
      steps: 3000,
      model: { arch: 'fcn', depth: 3, width: 128, bias: false },
      ntk: { analytic: 'none' },
      logging: { metrics: { logSpaced: 40 }, kernels: { steps: [0] }, trackSamples: [0, 1, 2, 3, 4, 5] },
    });
    await trainToDirectory(config, out);
    const metrics = (await readJsonl(join(out, 'metrics.jsonl'))).filter((m) => (m.step as number) >= 100);
    const t = metrics.map((m) => Math.log10(m.step as number));
    for (let i = 0; i < 6; i++) {
      // Margin z_i = (2 y_i - 1) f_t(x_i): a least-squares line against log10(step) over [100, 3000].
      const z = metrics.map((m) => (i % 2 === 1 ? 1 : -1) * (m.outputs as number[][])[i][0]);
      const tMean = t.reduce((s, v) => s + v, 0) / t.length;
      const zMean = z.reduce((s, v) => s + v, 0) / z.length;
      const sxy = t.reduce((s, v, j) => s + (v - tMean) * (z[j] - zMean), 0);
      const sxx = t.reduce((s, v) => s + (v - tMean) ** 2, 0);
      const slope = sxy / sxx;
      const residual = z.reduce((s, v, j) => s + (v - zMean - slope * (t[j] - tMean)) ** 2, 0);
      const total = z.reduce((s, v) => s + (v - zMean) ** 2, 0);
      expect(slope).toBeGreaterThan(0.5);
      expect(1 - residual / total).toBeGreaterThan(0.95);
    }
  });
});
