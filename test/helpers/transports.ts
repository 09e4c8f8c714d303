// The two transports under test, each started over a given service and giving renderer-side clients
// (src-renderer/src/api): Electron IPC through the real preload on a fake Electron, and the web bridge through the
// real server on 127.0.0.1.
import WebSocket from 'ws';
import { forwardEvents } from '../../src-main/electron/ipc-events';
import { registerIpcHandlers } from '../../src-main/electron/ipc-handlers';
import { createSenderCheck } from '../../src-main/electron/ipc-sender';
import type { WorkbenchService } from '../../src-main/node/service/workbench-service-types';
import { startWebServer, type WebServer } from '../../src-main/server/web-server';
import type { ApiConnection } from '../../src-renderer/src/api/connection';
import type { OpenSocket } from '../../src-renderer/src/api/event-stream';
import { createIpcClient } from '../../src-renderer/src/api/ipc-client';
import { createWebClient } from '../../src-renderer/src/api/web-client';
import { createFakeElectron, type FakeElectron, RENDERER_LOCATION } from './fake-electron';

type Service = Pick<WorkbenchService, 'handlers' | 'subscribe'>;

export interface TransportHarness {
  readonly name: 'ipc' | 'web';
  /** A client as the renderer would make it (IPC: the one window's; web: a new browser tab each call). */
  connect(): Promise<ApiConnection>;
  close(): Promise<void>;
}

export interface IpcHarness extends TransportHarness {
  readonly electron: FakeElectron;
}

export interface WebHarness extends TransportHarness {
  readonly server: WebServer;
}

export async function startIpcHarness(service: Service): Promise<IpcHarness> {
  const electron = createFakeElectron();
  const removeHandlers = registerIpcHandlers({
    ipcMain: electron.ipcMain,
    handlers: service.handlers,
    isTrustedSender: createSenderCheck(() => electron.mainFrame, RENDERER_LOCATION),
  });
  const stopEvents = forwardEvents(service.subscribe, electron.webContents);
  const client = createIpcClient(await electron.loadPreload());
  return {
    name: 'ipc',
    electron,
    connect: async () => client,
    close: async () => {
      stopEvents();
      removeHandlers();
    },
  };
}

/** The `ws` package's client in the shape the renderer's event stream opens the browser's WebSocket with. */
export const openNodeSocket: OpenSocket = (url, on) => {
  const socket = new WebSocket(url);
  socket.on('open', on.open);
  socket.on('message', (data) => on.message(String(data)));
  socket.on('close', on.close);
  socket.on('error', () => {});
  return socket;
};

export async function startWebHarness(service: Service, options: { maxBodyBytes?: number } = {}): Promise<WebHarness> {
  const server = await startWebServer({ service, port: 0, rendererDir: null, maxBodyBytes: options.maxBodyBytes });
  const clients: ApiConnection[] = [];
  return {
    name: 'web',
    server,
    async connect() {
      const client = createWebClient({ origin: server.origin, token: server.token, fetch: (url, init) => fetch(url, init), openSocket: openNodeSocket });
      clients.push(client);
      await client.ready();
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
}
