// The renderer's one way to the engine: window.api when the preload gave it (Electron), else the web bridge on this
// page's own origin with the token from the page URL (`?token=`), kept for reloads in sessionStorage.
import type { ApiClient, EventSubscribe } from '../../../src-main/contract/api';
import type { ApiConnection, Transport } from './connection';
import { createIpcClient, type PreloadApi } from './ipc-client';
import { createWebClient } from './web-client';

declare global {
  interface Window {
    readonly api?: PreloadApi;
  }
}

const TOKEN_KEY = 'ntk-workbench.token';

function launchToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function createApiClient(): { api: ApiClient; subscribe: EventSubscribe; transport: Transport; connection: ApiConnection } {
  const connection = window.api
    ? createIpcClient(window.api)
    : createWebClient({
        origin: window.location.origin,
        token: launchToken(),
        fetch: (url, init) => window.fetch(url, init),
        openSocket: (url, on) => {
          const socket = new WebSocket(url);
          socket.onopen = () => on.open();
          socket.onmessage = (event) => on.message(event.data);
          socket.onclose = () => on.close();
          return socket;
        },
      });
  return { api: connection.api, subscribe: connection.subscribe, transport: connection.transport, connection };
}
