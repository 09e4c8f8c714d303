import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, EventName } from '../../../src-main/contract/api';
import { dispatch } from '../../../src-main/contract/dispatch';
import { decodeTensor } from '../../../src-main/contract/tensor-codec';
import { createWorkbenchService } from '../../../src-main/node/service/workbench-service';
import type { WorkbenchService } from '../../../src-main/node/service/workbench-service-types';
import { waitForStatus } from './wait-for-status';

const tiny = { steps: 40, model: { arch: 'fcn', depth: 1, width: 16 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' }, logging: { metrics: { every: 5 }, kernels: { every: 20 } } };

function collect(service: WorkbenchService) {
  const seen: { event: EventName; payload: unknown }[] = [];
  for (const event of ['runs:progress', 'runs:metrics', 'runs:status', 'runs:kernel'] as const) service.subscribe(event, (payload) => seen.push({ event, payload }));
  return seen;
}

describe('workbench service', () => {
  let service: WorkbenchService;
  beforeAll(async () => {
    service = await createWorkbenchService({ workspaceDir: await mkdtemp(join(tmpdir(), 'ntk-ws-')), transport: 'web' });
  });
  afterAll(async () => service.close());

  it('runs a training job in a worker, streams events and stores everything', async () => {
    const seen = collect(service);
    const project = await service.handlers['projects:create']({ name: 'service test' });
    const run = await service.handlers['runs:start']({ projectId: project.id, config: tiny, name: 'tiny' });
    expect(run.status).toBe('queued');
    let live = await service.handlers['runs:get']({ id: run.id });
    for (let tries = 0; live.status === 'queued' && tries < 600; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      live = await service.handlers['runs:get']({ id: run.id });
    }
    // What the start knows is stored with the 'running' status, so a live view can draw the bound at once.
    expect(live.summary).toMatchObject({ stepEngine: expect.any(String), paramCount: 2 * 16 + 16 });
    expect(live.summary?.bound as number).toBeGreaterThan(0);
    const final = await waitForStatus(service, run.id, ['done', 'failed']);
    expect(final.error).toBeNull();
    expect(final.status).toBe('done');
    const stored = await service.handlers['runs:get']({ id: run.id });
    expect(stored.status).toBe('done');
    expect((stored.backend as { name: string }).name).toMatch(/wasm|cpu|tensorflow/);
    expect(stored.summary).toMatchObject({ status: 'completed', stepsDone: 40 });
    expect(stored.summary?.bound as number).toBeGreaterThan(0);
    const { series } = await service.handlers['runs:metrics']({ id: run.id });
    expect(series.loss.steps).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    expect(series.relDrift.steps).toEqual([0, 20, 40]);
    const events = seen.filter((e) => (e.payload as { runId: number }).runId === run.id).map((e) => e.event);
    expect(events).toContain('runs:progress');
    expect(events).toContain('runs:metrics');
    expect(events).toContain('runs:kernel');
    const streamed = seen.filter((e) => e.event === 'runs:metrics').flatMap((e) => (e.payload as Events['runs:metrics']).points.map((p) => p.step));
    expect(streamed).toEqual(series.loss.steps);
    const kernels = await service.handlers['runs:kernels']({ id: run.id });
    expect(kernels.map((k) => k.step)).toEqual([0, 20, 40]);
    const kernel = await service.handlers['runs:kernel']({ id: run.id, step: 40 });
    expect(kernel.rows).toBe(6);
    expect(decodeTensor(kernel.data!).length).toBe(36);
    expect(kernel.eigenvalues).toHaveLength(6);
  });

  it('keeps runs:list summaries free of the circle sweep and gives it through runs:sweep', async () => {
    const project = await service.handlers['projects:create']({ name: 'sweep summaries' });
    const run = await service.handlers['runs:start']({ projectId: project.id, config: { ...tiny, steps: 5, ntk: { circleSweep: 201 } } });
    expect((await waitForStatus(service, run.id, ['done', 'failed'])).status).toBe('done');
    const [listed] = await service.handlers['runs:list']({ projectId: project.id });
    expect(listed.summary).toMatchObject({ status: 'completed' });
    expect(listed.summary).not.toHaveProperty('sweepAnalytic');
    expect(listed.summary).not.toHaveProperty('sweepPhis');
    const sweep = await service.handlers['runs:sweep']({ id: run.id });
    expect(sweep?.phis).toHaveLength(201);
    expect(sweep?.analytic).toHaveLength(201);
    expect(sweep?.phis[0]).toBeCloseTo(-Math.PI, 12);
  });

  it('cancels a running job cleanly and gives a second subscriber the history then the stream', async () => {
    const project = await service.handlers['projects:create']({ name: 'cancel test' });
    const run = await service.handlers['runs:start']({ projectId: project.id, config: { ...tiny, steps: 1_000_000, logging: { metrics: { every: 50 }, kernels: { steps: [0] } } } });
    await new Promise<void>((resolve) => {
      const off = service.subscribe('runs:metrics', (e) => {
        if (e.runId === run.id && e.points.some((p) => p.step >= 100)) {
          off();
          resolve();
        }
      });
    });
    const late = await service.handlers['runs:subscribe']({ id: run.id });
    expect(late.lastStep).toBeGreaterThanOrEqual(100);
    expect(late.series.loss.steps[0]).toBe(0);
    const next = await new Promise<number>((resolve) => {
      const off = service.subscribe('runs:metrics', (e) => {
        if (e.runId === run.id) {
          off();
          resolve(e.points[e.points.length - 1].step);
        }
      });
    });
    expect(next).toBeGreaterThan(late.lastStep);
    await service.handlers['runs:cancel']({ id: run.id });
    const final = await waitForStatus(service, run.id, ['cancelled', 'failed']);
    expect(final.status).toBe('cancelled');
    expect((await service.handlers['runs:get']({ id: run.id })).summary).toMatchObject({ status: 'cancelled' });
  });

  it('answers bad requests and bad configs with coded errors', async () => {
    const bad = await dispatch(service.handlers, 'projects:create', { name: '' });
    expect(bad).toMatchObject({ ok: false, code: 'api/invalid-request' });
    const unknown = await dispatch(service.handlers, 'projects:explode', {});
    expect(unknown).toMatchObject({ ok: false, code: 'api/unknown-channel' });
    const project = await service.handlers['projects:create']({ name: 'bad config' });
    const config = await dispatch(service.handlers, 'runs:start', { projectId: project.id, config: { steps: 1 } });
    expect(config).toMatchObject({ ok: false, code: 'config/invalid' });
    const missing = await dispatch(service.handlers, 'runs:get', { id: 999_999 });
    expect(missing).toMatchObject({ ok: false, code: 'store/not-found' });
  });

  it('measures NTK drift across ONNX checkpoints as an import run in a worker', async () => {
    const project = await service.handlers['projects:create']({ name: 'import test' });
    const series = join(__dirname, '..', '..', 'fixtures', 'onnx', 'external', 'series');
    const models = ['torch-mlp-step-0000.onnx', 'torch-mlp-step-0005.onnx', 'torch-mlp-step-0020.onnx', 'torch-mlp-step-0060.onnx'].map((f) => join(series, f));
    const probe = join(await mkdtemp(join(tmpdir(), 'ntk-probe-')), 'probe.json');
    const manifest = JSON.parse(await readFile(join(series, '..', 'manifest.json'), 'utf8'));
    const mlp = manifest.models.find((m: { file: string }) => m.file.includes('torch-mlp'));
    await writeFile(probe, JSON.stringify({ inputs: mlp.probe }));
    const run = await service.handlers['imports:start']({ projectId: project.id, models, probe, kernel: 'trace', keepSoftmax: false });
    expect(run.kind).toBe('import');
    const final = await waitForStatus(service, run.id, ['done', 'failed']);
    expect(final).toMatchObject({ status: 'done', error: null });
    const { series: metrics } = await service.handlers['runs:metrics']({ id: run.id });
    expect(metrics.relDrift.steps).toEqual([0, 5, 20, 60]);
    expect(metrics.relDrift.values[0]).toBe(0);
    expect(metrics.paramDistance.values[3] as number).toBeGreaterThan(metrics.paramDistance.values[1] as number);
    const missing = await dispatch(service.handlers, 'imports:start', { projectId: project.id, models: [join(series, 'missing.onnx')], probe });
    expect(missing).toMatchObject({ ok: false, code: 'data/not-found', message: expect.stringContaining('missing.onnx') });
    const runsBefore = (await service.handlers['runs:list']({ projectId: project.id })).length;
    const wrongProbe = await service.handlers['imports:start']({ projectId: project.id, models: [models[0]], probe: join(series, 'no-probe.json'), kernel: 'trace', keepSoftmax: false });
    expect(await waitForStatus(service, wrongProbe.id, ['done', 'failed'])).toMatchObject({ status: 'failed', error: { code: 'data/not-found' } });
    expect((await service.handlers['runs:list']({ projectId: project.id })).length).toBe(runsBefore + 1);
  });

  it('checks the probe against the first checkpoint when it is read, under the importer\'s reshape rule', async () => {
    const external = join(__dirname, '..', '..', 'fixtures', 'onnx', 'external');
    const dir = await mkdtemp(join(tmpdir(), 'ntk-probe-check-'));
    const cnn = join(external, 'torch-cnn.onnx');
    // The CNN takes [1, 8, 8]: flat samples of 64 values fit it, as the run reshapes them.
    const flat = join(dir, 'flat.json');
    await writeFile(flat, JSON.stringify({ inputs: [Array.from({ length: 64 }, (_, i) => i / 64), Array.from({ length: 64 }, (_, i) => -i / 64)] }));
    const fits = await service.handlers['imports:inspect']({ models: [cnn], probe: flat });
    expect(fits.model.inputShape).toEqual([1, 8, 8]);
    expect(fits.probe).toEqual({ source: flat, fits: true, message: 'probe samples are [64], the model takes [1, 8, 8] (64 values): ok', code: null, n: 2, sampleShape: [64] });
    const short = join(dir, 'short.json');
    await writeFile(short, JSON.stringify({ inputs: [Array.from({ length: 10 }, () => 0.5)] }));
    const mismatch = await service.handlers['imports:inspect']({ models: [cnn], probe: short });
    expect(mismatch.probe).toMatchObject({ fits: false, code: 'data/shape-mismatch', message: 'probe samples have 10 values ([10]), the model takes 64 ([1, 8, 8])', sampleShape: [10] });
    expect(mismatch.model.inputShape).toEqual([1, 8, 8]);
    // What the run would trip on later: a probe that cannot be read, and non-finite values.
    const missing = await service.handlers['imports:inspect']({ models: [cnn], probe: join(dir, 'absent.json') });
    expect(missing.probe).toMatchObject({ fits: false, code: 'data/not-found', n: null });
    const series = join(external, 'series');
    const nan = join(dir, 'nan.csv');
    await writeFile(nan, '1,2,3,4,5,6\n1,2,nan,4,5,6\n');
    const bad = await service.handlers['imports:inspect']({ models: [series], probe: nan });
    expect(bad.probe).toMatchObject({ fits: false, code: expect.stringMatching(/^data\//) });
    expect((await service.handlers['imports:inspect']({ models: [series] })).probe).toBeNull();
  });

  it('takes a folder of checkpoints as its files in step order, and inspects the first off the service thread', async () => {
    const project = await service.handlers['projects:create']({ name: 'folder import' });
    const series = join(__dirname, '..', '..', 'fixtures', 'onnx', 'external', 'series');
    const inspection = await service.handlers['imports:inspect']({ models: [series] });
    expect(inspection.files.map((f) => f.slice(series.length + 1))).toEqual(['torch-mlp-step-0000.onnx', 'torch-mlp-step-0005.onnx', 'torch-mlp-step-0020.onnx', 'torch-mlp-step-0060.onnx']);
    const manifest = JSON.parse(await readFile(join(series, '..', 'manifest.json'), 'utf8'));
    const mlp = manifest.series[0];
    expect(inspection.model).toMatchObject({ paramCount: mlp.paramCount, outputs: mlp.outputs, inputShape: mlp.inputShape, producer: expect.stringContaining('pytorch') });
    expect(inspection.model.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0)).toBe(mlp.paramCount);
    const frozenName = inspection.model.params[0].name;
    const frozen = await service.handlers['imports:inspect']({ models: [inspection.files[1]], freeze: [frozenName] });
    expect(frozen.model.frozen).toEqual([frozenName]);
    expect(frozen.model.params.map((p) => p.name)).not.toContain(frozenName);
    const notOnnx = join(await mkdtemp(join(tmpdir(), 'ntk-notonnx-')), 'model.onnx');
    await writeFile(notOnnx, 'these bytes are not a protobuf');
    expect(await dispatch(service.handlers, 'imports:inspect', { models: [notOnnx] })).toMatchObject({ ok: false, code: expect.stringMatching(/^(onnx|import)\//) });
    const probe = join(await mkdtemp(join(tmpdir(), 'ntk-probe-')), 'probe.json');
    await writeFile(probe, JSON.stringify({ inputs: mlp.probe }));
    const run = await service.handlers['imports:start']({ projectId: project.id, models: [series], probe, kernel: 'trace', keepSoftmax: false });
    expect((run.config as { models: string[] }).models).toEqual(inspection.files);
    expect(run.name).toContain('4 checkpoint');
    await waitForStatus(service, run.id, ['done', 'failed']);
    const miscounted = await dispatch(service.handlers, 'imports:start', { projectId: project.id, models: [series], probe, steps: [0, 1] });
    expect(miscounted).toMatchObject({ ok: false, code: 'config/invalid', message: expect.stringContaining('2 steps given for 4 checkpoint files') });
    const given = await service.handlers['imports:start']({ projectId: project.id, models: [series], probe, kernel: 'trace', keepSoftmax: false, steps: [0, 1000, 2000, 3000] });
    expect(await waitForStatus(service, given.id, ['done', 'failed'])).toMatchObject({ status: 'done' });
    expect((await service.handlers['runs:metrics']({ id: given.id, names: ['relDrift'] })).series.relDrift.steps).toEqual([0, 1000, 2000, 3000]);
  });

  it('exports a project into the workspace\'s exports folder, reads it back in chunks, and imports it again', async () => {
    const project = await service.handlers['projects:create']({ name: 'Fig. 1: bundle / round trip' });
    await service.handlers['projects:set-notes']({ id: project.id, notes: 'carried in the bundle' });
    const exported = await service.handlers['projects:export']({ id: project.id });
    const { workspace } = await service.handlers['app:info']({});
    expect(exported.path.startsWith(join(workspace, 'exports', 'fig-1-bundle-round-trip-'))).toBe(true);
    expect(exported.path.endsWith('.ntkproject')).toBe(true);
    const chunks: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const chunk = await service.handlers['downloads:read']({ path: exported.path, offset, length: 4096 });
      expect(chunk.bytes).toBe(exported.bytes);
      const bytes = Buffer.from(chunk.data, 'base64');
      if (bytes.length === 0) break;
      expect(bytes.length).toBeLessThanOrEqual(4096);
      chunks.push(bytes);
      offset += bytes.length;
    }
    const whole = Buffer.concat(chunks);
    expect(whole.equals(await readFile(exported.path))).toBe(true);
    // The bytes a browser saved, uploaded again from elsewhere, import as a renamed copy.
    const upload = await service.handlers['uploads:write']({ path: 'copy.ntkproject', offset: 0, data: whole.toString('base64') });
    const copy = await service.handlers['projects:import']({ path: upload.path });
    expect(copy.id).not.toBe(project.id);
    expect(copy.notes).toBe('carried in the bundle');
    expect(copy.name).toContain('Fig. 1: bundle / round trip');
  });

  it('reads back nothing but exported files', async () => {
    const outside = join(await mkdtemp(join(tmpdir(), 'ntk-secret-')), 'secret.txt');
    await writeFile(outside, 'not for clients');
    expect(await dispatch(service.handlers, 'downloads:read', { path: outside, offset: 0 })).toMatchObject({ ok: false, code: 'api/forbidden' });
    const { workspace } = await service.handlers['app:info']({});
    expect(await dispatch(service.handlers, 'downloads:read', { path: join(workspace, 'exports', '..', 'workspace.sqlite'), offset: 0 })).toMatchObject({ ok: false });
    expect(await dispatch(service.handlers, 'downloads:read', { path: join(workspace, 'exports', 'none.ntkproject'), offset: 0 })).toMatchObject({ ok: false, code: 'data/not-found' });
    expect(await dispatch(service.handlers, 'downloads:read', { path: outside, offset: 0, length: 10 * 1024 * 1024 })).toMatchObject({ ok: false, code: 'api/invalid-request' });
  });
});
