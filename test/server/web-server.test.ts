// The browser bridge beyond what the conformance suite covers: who may connect (token 401, Origin and Host 403, on
// HTTP and on the WebSocket upgrade), where it listens (127.0.0.1, --port 0), the HTTP surface (GET reads, aliases,
// 405, 404, 413, 400), the static renderer with its CSP, shared event streams and a client joining mid-run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANNELS, channelPath } from '../../src-main/contract/api';
import { startWebServer, type WebServer } from '../../src-main/server/web-server';
import { recordEvents, waitForEvent } from '../helpers/events';
import { rawRequest, upgradeStatus } from '../helpers/raw-http';
import { createTestService, type TestService } from '../helpers/test-service';
import { startWebHarness, type WebHarness } from '../helpers/transports';

const RUN = (steps: number) => ({
  steps,
  model: { arch: 'fcn', depth: 1, width: 8 },
  loss: { kind: 'bce' },
  optimizer: { lr: 0.1 },
  data: { kind: 'circle' },
  logging: { metrics: { every: 5 }, kernels: { every: 10 } },
});

let service: TestService;
let harness: WebHarness;
let server: WebServer;
let projectId: number;

beforeAll(async () => {
  service = await createTestService('web');
  harness = await startWebHarness(service, { maxBodyBytes: 4096 });
  server = harness.server;
  projectId = (await service.handlers['projects:create']({ name: 'bridge' })).id;
});
afterAll(async () => {
  await harness?.close();
  await service?.dispose();
});

const bearer = () => ({ Authorization: `Bearer ${server.token}` });
const eventsUrl = (token?: string) => `ws://127.0.0.1:${server.port}/api/events${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

describe('web bridge: who may connect', () => {
  it('prints a URL on 127.0.0.1 that carries a long random token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 api/unauthorized without the token or with a wrong one, on every route', async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${server.token}` }, { Authorization: `Bearer ${server.token}x` }]) {
      for (const [method, path] of [['GET', '/api/projects'], ['POST', '/api/projects/create'], ['POST', '/api/nope/nothing']]) {
        const response = await rawRequest(server.origin, { method, path, headers, body: '{"name":"intruder"}' });
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(response.body)).toMatchObject({ ok: false, code: 'api/unauthorized' });
      }
    }
    const wrongQuery = await rawRequest(server.origin, { path: '/api/projects?token=nope' });
    expect(wrongQuery.status).toBe(401);
    expect((await service.handlers['projects:list']({})).some((p) => p.name === 'intruder')).toBe(false);
  });

  it('accepts the token as a Bearer header or as ?token=', async () => {
    const viaHeader = await fetch(`${server.origin}/api/projects`, { headers: bearer() });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toMatchObject({ ok: true });
    const viaQuery = await fetch(`${server.origin}/api/projects?token=${server.token}`);
    expect(viaQuery.status).toBe(200);
  });

  it('answers 403 api/forbidden to a foreign Origin, even with the token', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      const response = await rawRequest(server.origin, { path: '/api/projects', headers: { ...bearer(), Origin: origin } });
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ ok: false, code: 'api/forbidden' });
    }
    const own = await rawRequest(server.origin, { path: '/api/projects', headers: { ...bearer(), Origin: server.origin } });
    expect(own.status).toBe(200);
    const preflight = await rawRequest(server.origin, { method: 'OPTIONS', path: '/api/projects/create', headers: { Origin: 'http://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 403 to a foreign Host header (DNS rebinding), pages included', async () => {
    for (const path of ['/api/projects', '/']) {
      const response = await rawRequest(server.origin, { path, headers: { ...bearer(), Host: `rebind.example:${server.port}` } });
      expect(response.status, path).toBe(403);
    }
    expect((await rawRequest(server.origin, { path: '/api/projects', headers: { ...bearer(), Host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('checks the WebSocket upgrade the same way: token 401, Origin 403, Host 403, path 404', async () => {
    expect((await upgradeStatus(eventsUrl())).status).toBe(401);
    expect((await upgradeStatus(eventsUrl('wrong'))).status).toBe(401);
    const foreign = await upgradeStatus(eventsUrl(server.token), { Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'api/forbidden' });
    expect((await upgradeStatus(eventsUrl(server.token), { Host: `rebind.example:${server.port}` })).status).toBe(403);
    expect((await upgradeStatus(`ws://127.0.0.1:${server.port}/api/other?token=${server.token}`)).status).toBe(404);
    expect((await upgradeStatus(eventsUrl(server.token), { Origin: server.origin })).status).toBe(101);
    expect((await upgradeStatus(eventsUrl(server.token))).status).toBe(101);
  });
});

describe('web bridge: where it listens', () => {
  it('--port 0 picks a free port, a busy port fails, and only 127.0.0.1 is allowed', async () => {
    const other = await startWebServer({ service, port: 0, rendererDir: null });
    try {
      expect(other.port).toBeGreaterThan(0);
      expect(other.port).not.toBe(server.port);
      expect(other.token).not.toBe(server.token);
      await expect(startWebServer({ service, port: other.port, rendererDir: null })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await other.close();
    }
    await expect(startWebServer({ service, host: '0.0.0.0' as '127.0.0.1', rendererDir: null })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('is not reachable on any other interface', async () => {
    const reach = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host, port: server.port, timeout: 2000 });
        socket.on('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('timeout', () => {
          socket.destroy();
          resolve('timeout');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    expect(await reach('127.0.0.1')).toBe('connected');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal)
      .map((i) => i!.address);
    for (const address of [...others, '::1']) expect(await reach(address), address).not.toBe('connected');
  });
});

describe('web bridge: HTTP surface', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(server.origin, { method: 'POST', path, body, headers: { ...bearer(), 'Content-Type': 'application/json', ...headers } });

  it('has a POST route for every channel (channelPath) and GET for reads with an empty request', async () => {
    for (const channel of CHANNELS) {
      const response = await post(channelPath(channel), '{"__probe": true}');
      expect(JSON.parse(response.body), channel).toMatchObject({ ok: false, code: 'api/invalid-request' });
      expect(response.status).toBe(400);
    }
    for (const path of ['/api/projects', '/api/projects/list', '/api/app/info', '/api/projects/']) {
      const response = await rawRequest(server.origin, { path, headers: bearer() });
      expect(response.status, path).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ ok: true });
    }
    const listed = JSON.parse((await rawRequest(server.origin, { path: '/api/projects', headers: bearer() })).body);
    expect(listed.value.map((p: { id: number }) => p.id)).toContain(projectId);
  });

  it('refuses GET on channels that take a request (405) and unknown paths (404 api/unknown-channel)', async () => {
    const get = await rawRequest(server.origin, { path: '/api/projects/create', headers: bearer() });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const unknown = await post('/api/projects/explode', '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, code: 'api/unknown-channel' });
    expect((await post('/api', '{}')).status).toBe(404);
  });

  it('answers 413 to bodies over the limit, declared or streamed, and 400 to malformed JSON', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(8000) });
    const declared = await post('/api/projects/create', big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ ok: false, code: 'api/invalid-request' });
    const streamed = await post('/api/projects/create', big, { 'Transfer-Encoding': 'chunked' });
    expect(streamed.status).toBe(413);
    const malformed = await post('/api/projects/create', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).message).toMatch(/not valid JSON/);
    expect((await post('/api/projects/list', '')).status).toBe(200);
  });

  it('answers service errors as 200 Results with their codes', async () => {
    const response = await post('/api/runs/get', '{"id": 987654}');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, code: 'store/not-found' });
  });
});

describe('web bridge: the built renderer', () => {
  let rendererDir: string;
  let static_: WebServer;
  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'ntk-renderer-'));
    await mkdir(join(rendererDir, 'assets'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1234.js"></script>');
    await writeFile(join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
    await writeFile(join(tmpdir(), 'ntk-secret.txt'), 'secret');
    static_ = await startWebServer({ service, rendererDir });
  });
  afterAll(async () => {
    await static_?.close();
    await rm(rendererDir, { recursive: true, force: true });
  });

  it('serves index.html as built, without the token, under a strict CSP', async () => {
    const response = await fetch(static_.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toBe('<!doctype html><script type="module" src="/assets/app-1234.js"></script>');
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const asset = await fetch(`${static_.origin}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('serves nothing outside the renderer folder and only GET/HEAD', async () => {
    for (const path of ['/../ntk-secret.txt', '/%2e%2e/ntk-secret.txt', '/assets/..%2f..%2fntk-secret.txt', '/%00', '/missing.js', '/%E0%A4%A']) {
      const response = await rawRequest(static_.origin, { path });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('secret');
    }
    expect((await rawRequest(static_.origin, { method: 'POST', path: '/' })).status).toBe(405);
    expect((await rawRequest(static_.origin, { method: 'HEAD', path: '/' })).status).toBe(200);
  });

  it('says to run the build when out/renderer is missing', async () => {
    const unbuilt = await startWebServer({ service, rendererDir: join(rendererDir, 'not-built') });
    try {
      const response = await fetch(unbuilt.url);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/npm run build/);
    } finally {
      await unbuilt.close();
    }
  });
});

describe('web bridge: event streams', () => {
  it('gives two WebSocket clients the same event stream', async () => {
    const [a, b] = [await harness.connect(), await harness.connect()];
    const [seenA, seenB] = [recordEvents(a.subscribe), recordEvents(b.subscribe)];
    const run = await a.api['runs:start']({ projectId, config: RUN(30) });
    if (!run.ok) throw new Error(run.message);
    const done = (client: typeof a) => waitForEvent(client.subscribe, 'runs:status', (s) => s.runId === run.value.id && s.status === 'done');
    await Promise.all([done(a), done(b)]);
    const mine = (seen: typeof seenA.seen) => seen.filter((e) => e.payload.runId === run.value.id);
    expect(mine(seenA.seen).length).toBeGreaterThan(3);
    expect(mine(seenB.seen)).toEqual(mine(seenA.seen));
    expect(new Set(mine(seenA.seen).map((e) => e.event))).toEqual(new Set(['runs:status', 'runs:progress', 'runs:metrics', 'runs:kernel']));
    a.close();
    b.close();
  });

  it('lets a second client join mid-run: runs:subscribe gives the history so far, then live events continue it', async () => {
    const first = await harness.connect();
    const run = await first.api['runs:start']({ projectId, config: RUN(200_000) });
    if (!run.ok) throw new Error(run.message);
    const id = run.value.id;
    await waitForEvent(first.subscribe, 'runs:metrics', (m) => m.runId === id && m.points.some((p) => p.step >= 20));

    const second = await harness.connect();
    const live = recordEvents(second.subscribe);
    await second.ready();
    const joined = await second.api['runs:subscribe']({ id });
    if (!joined.ok) throw new Error(joined.message);
    const { lastStep, series, run: joinedRun } = joined.value;
    expect(joinedRun.status).toBe('running');
    expect(lastStep).toBeGreaterThanOrEqual(20);
    const metric = Object.keys(series).find((name) => series[name].steps.includes(lastStep)) ?? '';
    expect(series[metric].steps.at(-1)).toBe(lastStep);

    await waitForEvent(second.subscribe, 'runs:metrics', (m) => m.runId === id && m.points.some((p) => p.step > lastStep + 20));
    await second.api['runs:cancel']({ id });
    await waitForEvent(second.subscribe, 'runs:status', (s) => s.runId === id && ['cancelled', 'done', 'failed'].includes(s.status));
    live.stop();

    const liveSteps = live.seen
      .flatMap((e) => (e.event === 'runs:metrics' && e.payload.runId === id ? e.payload.points : []))
      .filter((p) => metric in p.values && p.step > lastStep)
      .map((p) => p.step);
    expect(liveSteps.length).toBeGreaterThan(0);
    const stored = await second.api['runs:metrics']({ id, names: [metric] });
    if (!stored.ok) throw new Error(stored.message);
    // History then live, with nothing missing and nothing twice, is exactly what the store holds.
    expect([...series[metric].steps, ...liveSteps]).toEqual(stored.value.series[metric].steps);
    first.close();
    second.close();
  });

  it('closes its event sockets when the server closes', async () => {
    const extra = await startWebServer({ service, rendererDir: null });
    const closed = new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${extra.port}/api/events?token=${extra.token}`);
      socket.on('open', () => void extra.close());
      socket.on('close', (code) => resolve(code));
    });
    expect(await closed).toBe(1001);
  });
});
