// The renderer's web client against the real bridge, for what the conformance suite cannot show: it survives the
// server going away (reconnects, says so through onReconnect, and events flow again), and reports transport failures
// as Results.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../src-main/server/web-server';
import type { ApiConnection } from '../../src-renderer/src/api/connection';
import { createWebClient } from '../../src-renderer/src/api/web-client';
import { waitForEvent } from '../helpers/events';
import { createTestService, type TestService } from '../helpers/test-service';
import { openNodeSocket } from '../helpers/transports';

let service: TestService;
const open: { servers: WebServer[]; clients: ApiConnection[] } = { servers: [], clients: [] };

beforeAll(async () => {
  service = await createTestService('web');
});
afterEach(async () => {
  for (const client of open.clients.splice(0)) client.close();
  for (const server of open.servers.splice(0)) await server.close();
});
afterAll(async () => service?.dispose());

async function serve(port = 0, token?: string): Promise<WebServer> {
  const server = await startWebServer({ service, port, token, rendererDir: null });
  open.servers.push(server);
  return server;
}

function client(server: WebServer, token = server.token): ApiConnection {
  const connection = createWebClient({ origin: server.origin, token, fetch: (url, init) => fetch(url, init), openSocket: openNodeSocket });
  open.clients.push(connection);
  return connection;
}

describe('renderer web client', () => {
  it('reconnects its event stream after the server restarts and says so', async () => {
    const first = await serve(0, 'fixed-token-for-the-restart');
    const connection = client(first);
    await connection.ready();
    let reconnects = 0;
    connection.onReconnect(() => reconnects++);

    await first.close();
    open.servers.splice(0);
    const second = await serve(first.port, first.token);
    await new Promise<void>((resolve) => {
      const off = connection.onReconnect(() => {
        off();
        resolve();
      });
    });
    expect(reconnects).toBe(1);

    const project = await connection.api['projects:create']({ name: 'after restart' });
    if (!project.ok) throw new Error(project.message);
    const run = await connection.api['runs:start']({ projectId: project.value.id, config: { steps: 10, model: { arch: 'fcn', depth: 1, width: 4 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } } });
    if (!run.ok) throw new Error(run.message);
    await waitForEvent(connection.subscribe, 'runs:status', (s) => s.runId === run.value.id && s.status === 'done');
    expect(second.port).toBe(first.port);
  });

  it('answers refusals and unreachable servers as Results', async () => {
    const server = await serve();
    expect(await client(server, 'wrong').api['projects:list']({})).toMatchObject({ ok: false, code: 'api/unauthorized' });
    const port = server.port;
    await server.close();
    open.servers.splice(0);
    const gone = createWebClient({ origin: `http://127.0.0.1:${port}`, token: 't', fetch: (url, init) => fetch(url, init), openSocket: openNodeSocket });
    open.clients.push(gone);
    expect(await gone.api['projects:list']({})).toMatchObject({ ok: false, code: 'io/failed' });
  });

  it('is not a thenable and lists no channels by hand (any area:verb property is a call)', async () => {
    const server = await serve();
    const { api } = client(server);
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(api)).toBe(api);
    expect(typeof api['runs:set-notes']).toBe('function');
  });
});
