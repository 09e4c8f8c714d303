// One set of API tests, run against every transport: Electron IPC (the real preload and IPC handlers on a fake
// Electron) and the web bridge (the real HTTP + WebSocket server), both over the real workbench service and both
// through the renderer's own clients. Whatever one transport answers, the other must answer the same.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, UPLOAD_CHUNK_BYTES } from '../../src-main/contract/api';
import type { Result } from '../../src-main/contract/result';
import type { ApiConnection } from '../../src-renderer/src/api/connection';
import { recordEvents, waitForEvent } from '../helpers/events';
import { createTestService, type TestService } from '../helpers/test-service';
import { startIpcHarness, startWebHarness, type TransportHarness } from '../helpers/transports';

const TINY_RUN = {
  steps: 30,
  model: { arch: 'fcn', depth: 1, width: 8 },
  loss: { kind: 'bce' },
  optimizer: { lr: 0.1 },
  data: { kind: 'circle' },
  logging: { metrics: { every: 5 }, kernels: { every: 10 } },
};

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

/** A call the contract's types would refuse, as a buggy or hostile renderer might make it. */
function rawCall(api: ApiClient, channel: string, request: unknown): Promise<Result<unknown>> {
  return (api as unknown as Record<string, (r: unknown) => Promise<Result<unknown>>>)[channel](request);
}

const transports: [name: 'ipc' | 'web', start: (service: TestService) => Promise<TransportHarness>][] = [
  ['ipc', startIpcHarness],
  ['web', startWebHarness],
];

describe.each(transports)('API conformance over %s', (name, start) => {
  let service: TestService;
  let harness: TransportHarness;
  let client: ApiConnection;

  beforeAll(async () => {
    service = await createTestService(name);
    harness = await start(service);
    client = await harness.connect();
  });
  afterAll(async () => {
    await harness?.close();
    await service?.dispose();
  });

  it('app:info answers with the workspace and this transport', async () => {
    const info = value(await client.api['app:info']({}));
    expect(info).toMatchObject({ transport: name, workspace: service.workspaceDir });
  });

  it('creates, lists, renames and deletes projects', async () => {
    const created = value(await client.api['projects:create']({ name: 'conformance', notes: 'made by the suite' }));
    expect(created).toMatchObject({ name: 'conformance', notes: 'made by the suite', runCount: 0 });
    expect(value(await client.api['projects:list']({})).map((p) => p.name)).toContain('conformance');

    const renamed = value(await client.api['projects:rename']({ id: created.id, name: 'renamed' }));
    expect(renamed).toMatchObject({ id: created.id, name: 'renamed' });
    const listed = value(await client.api['projects:list']({}));
    expect(listed.find((p) => p.id === created.id)?.name).toBe('renamed');

    expect(value(await client.api['projects:delete']({ id: created.id }))).toEqual({ deleted: true });
    expect(value(await client.api['projects:list']({})).some((p) => p.id === created.id)).toBe(false);
    const gone = await client.api['projects:rename']({ id: created.id, name: 'ghost' });
    expect(gone).toMatchObject({ ok: false, code: 'store/not-found' });
  });

  it('refuses bad payloads with api/invalid-request before any handler runs', async () => {
    const bad: [channel: string, request: unknown][] = [
      ['projects:create', {}],
      ['projects:create', { name: '' }],
      ['projects:create', { name: 'x', colour: 'red' }],
      ['projects:rename', { id: -1, name: 'x' }],
      ['projects:rename', { id: '1', name: 'x' }],
      ['runs:start', { projectId: 1, config: 'not an object' }],
      ['runs:metrics', { id: 1.5 }],
      ['projects:list', 'a string'],
      ['projects:list', [1, 2]],
    ];
    for (const [channel, request] of bad) {
      const result = await rawCall(client.api, channel, request);
      expect(result, `${channel} ${JSON.stringify(request)}`).toMatchObject({ ok: false, code: 'api/invalid-request' });
      expect((result as { message: string }).message).toContain(channel);
    }
    expect(value(await client.api['projects:list']({})).some((p) => p.name === 'x')).toBe(false);
  });

  it('answers an unknown channel with api/unknown-channel', async () => {
    expect(await rawCall(client.api, 'projects:explode', {})).toMatchObject({ ok: false, code: 'api/unknown-channel' });
    expect(await rawCall(client.api, 'shell:exec', { command: 'true' })).toMatchObject({ ok: false, code: 'api/unknown-channel' });
  });

  it('streams a tiny training run to done (progress, metrics, kernel, status) and serves its series', async () => {
    const project = value(await client.api['projects:create']({ name: 'training' }));
    const recorder = recordEvents(client.subscribe);
    const run = value(await client.api['runs:start']({ projectId: project.id, config: TINY_RUN, name: 'tiny' }));
    expect(run).toMatchObject({ projectId: project.id, name: 'tiny', kind: 'train' });
    const final = await waitForEvent(client.subscribe, 'runs:status', (s) => s.runId === run.id && ['done', 'failed', 'cancelled'].includes(s.status));
    recorder.stop();
    expect(final).toEqual({ runId: run.id, status: 'done', error: null });

    const mine = recorder.seen.filter((e) => e.payload.runId === run.id);
    const statuses = mine.flatMap((e) => (e.event === 'runs:status' ? [e.payload.status] : []));
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('done');

    const progress = mine.flatMap((e) => (e.event === 'runs:progress' ? [e.payload] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ step: 30, total: 30 });
    expect(progress.map((p) => p.step)).toEqual([...progress.map((p) => p.step)].sort((a, b) => a - b));

    const points = mine.flatMap((e) => (e.event === 'runs:metrics' ? e.payload.points : []));
    const pointSteps = points.map((p) => p.step);
    expect(pointSteps.length).toBeGreaterThanOrEqual(6);
    expect(new Set(pointSteps).size).toBe(pointSteps.length);
    expect(pointSteps).toEqual([...pointSteps].sort((a, b) => a - b));
    expect(mine.some((e) => e.event === 'runs:kernel')).toBe(true);

    // What the stream delivered is what the store kept.
    const { series } = value(await client.api['runs:metrics']({ id: run.id }));
    const names = [...new Set(points.flatMap((p) => Object.keys(p.values)))];
    expect(names.length).toBeGreaterThan(0);
    for (const metric of names) {
      const streamed = points.filter((p) => metric in p.values);
      expect(series[metric]?.steps, metric).toEqual(streamed.map((p) => p.step));
      expect(series[metric]?.values, metric).toEqual(streamed.map((p) => p.values[metric]));
    }
    const one = value(await client.api['runs:metrics']({ id: run.id, names: [names[0]], fromStep: 10 }));
    expect(Object.keys(one.series)).toEqual([names[0]]);
    expect(Math.min(...one.series[names[0]].steps)).toBeGreaterThanOrEqual(10);

    expect(value(await client.api['runs:get']({ id: run.id })).status).toBe('done');
    expect(value(await client.api['runs:list']({ projectId: project.id })).map((r) => r.id)).toEqual([run.id]);
  });

  it('moves files both ways in full-size chunks: uploads:write in, projects:export + downloads:read out', async () => {
    // Three full chunks and a tail: each request body is the largest the renderer sends, under the bridge's 1 MiB.
    const size = 3 * UPLOAD_CHUNK_BYTES + 1234;
    const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 131 + (i >> 9)) % 256);
    let uploadId: string | undefined;
    let path = '';
    for (let offset = 0; offset < size; offset += UPLOAD_CHUNK_BYTES) {
      const data = Buffer.from(bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES)).toString('base64');
      const answer = value(await client.api['uploads:write']({ ...(uploadId ? { uploadId } : {}), path: 'big/model.onnx', offset, data }));
      uploadId = answer.uploadId;
      path = answer.path;
      expect(answer.bytes).toBe(Math.min(size, offset + UPLOAD_CHUNK_BYTES));
    }
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const project = value(await client.api['projects:create']({ name: `bundle over ${name}` }));
    const exported = value(await client.api['projects:export']({ id: project.id }));
    const parts: Buffer[] = [];
    for (let offset = 0; offset < exported.bytes; ) {
      const chunk = value(await client.api['downloads:read']({ path: exported.path, offset }));
      const part = Buffer.from(chunk.data, 'base64');
      expect(part.length).toBeGreaterThan(0);
      parts.push(part);
      offset += part.length;
    }
    expect(Buffer.concat(parts).equals(readFileSync(exported.path))).toBe(true);
  });
});
