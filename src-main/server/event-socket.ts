// The contract's events on a WebSocket at /api/events: the upgrade is checked like any /api/ request (host, origin
// 403, token 401), every service event goes to every open socket as `{event, payload}` JSON (serialised once), and a
// client that stops reading is dropped rather than buffered without bound; it reconnects and catches up by runs:subscribe.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { EVENT_NAMES, type EventSubscribe } from '../contract/api';
import type { RequestGuard } from './request-guard';
import { refuseUpgrade } from './responses';

export { EVENTS_PATH } from '../contract/channels';
import { EVENTS_PATH } from '../contract/channels';

const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface EventSocket {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  readonly clientCount: number;
  close(): Promise<void>;
}

export function createEventSocket(subscribe: EventSubscribe, guard: RequestGuard): EventSocket {
  // Clients only listen; anything they send is ignored, so keep what they may send small.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();

  const broadcast = (message: string): void => {
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.close(1013, 'too slow: reconnect and resubscribe');
      else client.send(message);
    }
  };
  const unsubscribes = EVENT_NAMES.map((event) => subscribe(event, (payload) => broadcast(JSON.stringify({ event, payload }))));

  wss.on('connection', (client) => {
    alive.add(client);
    client.on('pong', () => alive.add(client));
    client.on('error', () => client.terminate());
  });
  // Dead peers (a laptop lid closed) never send a close frame: ping, and drop the ones that did not answer the last ping.
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      if (!alive.has(client)) client.terminate();
      else {
        alive.delete(client);
        client.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    handleUpgrade(request, socket, head, url) {
      if (url.pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, 'api/unknown-channel', `no event stream at ${url.pathname}`);
      if (!guard.originOk(request)) return refuseUpgrade(socket, 403, 'api/forbidden', 'connections from another origin are refused');
      if (!guard.tokenOk(request, url)) return refuseUpgrade(socket, 401, 'api/unauthorized', 'missing or wrong token');
      wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
    },
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      return new Promise<void>((resolve) => {
        wss.close(() => resolve());
        // A client that does not answer the close handshake must not hold the shutdown up.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1000).unref();
      });
    },
  };
}
