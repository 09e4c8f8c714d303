// The Electron transport: window.api from the preload (one method per channel, plus `on`), wrapped so that a channel
// the preload lacks and a failed invoke both answer a Result like every other failure.
import type { PreloadApi } from '../../../src-main/contract/api';
import type { Result } from '../../../src-main/contract/result';
import { type ApiConnection, channelProxy } from './connection';

export type { PreloadApi };

export function createIpcClient(bridge: PreloadApi): ApiConnection {
  const methods = bridge as unknown as Record<string, ((request: unknown) => Promise<unknown>) | undefined>;
  const api = channelProxy(async (channel, request) => {
    const method = Object.prototype.hasOwnProperty.call(bridge, channel) ? methods[channel] : undefined;
    if (typeof method !== 'function') return { ok: false, code: 'api/unknown-channel', message: `unknown request channel ${JSON.stringify(channel)}` };
    try {
      return (await method(request ?? {})) as Result<unknown>;
    } catch (error) {
      return { ok: false, code: 'internal', message: error instanceof Error ? error.message : String(error) };
    }
  });
  return {
    api,
    subscribe: (event, listener) => bridge.on(event, listener),
    transport: 'ipc',
    ready: () => Promise.resolve(),
    onReconnect: () => () => {},
    close: () => {},
    pathForFile: (file) => {
      if (typeof bridge.pathForFile !== 'function') return undefined;
      try {
        return bridge.pathForFile(file) || undefined;
      } catch {
        return undefined;
      }
    },
  };
}
