// What the renderer gets from either transport, and the one helper both use to present the contract's channels as
// methods: a Proxy, so no channel is listed here (the contract module is type-only in the renderer).
import type { ApiClient, EventSubscribe } from '../../../src-main/contract/api';
import type { Result } from '../../../src-main/contract/result';

export type Transport = 'ipc' | 'web';

export interface ApiConnection {
  readonly api: ApiClient;
  readonly subscribe: EventSubscribe;
  readonly transport: Transport;
  /** Resolves once events flow; await it before runs:subscribe so no live event falls between history and stream. */
  ready(): Promise<void>;
  /** Called when the event stream came back after a loss: what was sent meanwhile is gone, so refetch (runs:subscribe). */
  onReconnect(listener: () => void): () => void;
  close(): void;
  /** A dropped file's path on the host, where the shell can tell (Electron); absent in a browser, which never can. */
  readonly pathForFile?: (file: File) => string | undefined;
}

export type ChannelCall = (channel: string, request: unknown) => Promise<Result<unknown>>;

/** An ApiClient whose every `area:verb` property calls `call`; other keys (then, Vue's __v_ flags) are absent. */
export function channelProxy(call: ChannelCall): ApiClient {
  return new Proxy(Object.freeze({}), {
    get: (_target, key) => (typeof key === 'string' && key.includes(':') ? (request: unknown) => call(key, request) : undefined),
  }) as ApiClient;
}
