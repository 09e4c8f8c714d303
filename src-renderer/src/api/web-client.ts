// The browser transport: each channel is POST /api/<area>/<verb> to the web bridge with the launch token as a Bearer
// header, answered by the same Result the server's dispatch() gives; events come from /api/events (event-stream.ts).
import type { Result } from '../../../src-main/contract/result';
import { type ApiConnection, channelProxy } from './connection';
import { createEventStream, type OpenSocket } from './event-stream';
import { type Channel, channelPath, EVENTS_PATH } from '../../../src-main/contract/channels';

/** The part of fetch used here (the browser's, or node's in tests). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface WebClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:5178` (the page's own in the browser). */
  readonly origin: string;
  readonly token: string;
  readonly fetch: FetchLike;
  readonly openSocket: OpenSocket;
}

function isResult(body: unknown): body is Result<unknown> {
  return typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';
}

export function createWebClient(options: WebClientOptions): ApiConnection {
  const { origin, token } = options;
  const api = channelProxy(async (channel, request) => {
    // Any `area:verb` the proxy passes gets its route, so the server itself answers a bad one (api/unknown-channel).
    const path = channelPath(channel as Channel);
    try {
      const response = await options.fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(request ?? {}),
      });
      const body = await response.json().catch(() => null);
      return isResult(body) ? body : { ok: false, code: 'io/failed', message: `HTTP ${response.status} from ${path} without a Result` };
    } catch (error) {
      return { ok: false, code: 'io/failed', message: `cannot reach the workbench server: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
  const socketUrl = `${origin.replace(/^http/, 'ws')}${EVENTS_PATH}?token=${encodeURIComponent(token)}`;
  const events = createEventStream(socketUrl, options.openSocket);
  return { api, subscribe: events.subscribe, transport: 'web', ready: events.ready, onReconnect: events.onReconnect, close: events.close };
}
