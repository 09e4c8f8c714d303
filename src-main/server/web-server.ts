// The browser bridge: one HTTP server on 127.0.0.1 that serves the built renderer, the contract's requests under
// /api/ and its events on a WebSocket, all for whoever holds this launch's token. The host owns the service; this
// only forwards to it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkbenchService } from '../node/service/workbench-service-types';
import { createEventSocket } from './event-socket';
import { handleApiRequest } from './http-api';
import { createRequestGuard, createToken } from './request-guard';
import { refuseUpgrade, sendError } from './responses';
import { serveStatic } from './static-files';

/** Loopback only: the token is the sole credential, and it travels in clear HTTP. */
export const WEB_HOST = '127.0.0.1';

export interface WebServerOptions {
  readonly service: Pick<WorkbenchService, 'handlers' | 'subscribe'>;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: typeof WEB_HOST;
  /** The built renderer to serve; null serves the API alone. */
  readonly rendererDir: string | null;
  /** Largest request body accepted (413 above it); default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Tests pass a fixed token; a launch uses a fresh random one. */
  readonly token?: string;
}

export interface WebServer {
  /** What to open in a browser: `http://127.0.0.1:PORT/?token=...`. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Stops listening and closes every connection and event socket; the service stays open. */
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? WEB_HOST;
  if (host !== WEB_HOST) throw new Error(`the web bridge listens on ${WEB_HOST} only, not ${String(host)}`);
  const token = options.token ?? createToken();
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  const guard = createRequestGuard(token, port);
  const events = createEventSocket(options.service.subscribe, guard);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    if (!guard.hostOk(request)) return sendError(response, 403, 'api/forbidden', 'unexpected Host header');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      return handleApiRequest(request, response, url, { handlers: options.service.handlers, guard, maxBodyBytes });
    }
    if (!guard.originOk(request)) return sendError(response, 403, 'api/forbidden', 'requests from another origin are refused');
    if (options.rendererDir === null) return sendError(response, 404, 'api/unknown-channel', 'this server answers /api/ only');
    return serveStatic(request, response, url, options.rendererDir);
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'internal', error instanceof Error ? error.message : String(error));
      else response.destroy();
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!guard.hostOk(request)) return refuseUpgrade(socket, 403, 'api/forbidden', 'unexpected Host header');
    events.handleUpgrade(request, socket, head, new URL(request.url ?? '/', origin));
  });

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await events.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
