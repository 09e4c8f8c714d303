// A scripted ApiConnection for renderer tests: channel handlers the test supplies (answering Results), events the
// test emits, and a ready() the test can hold back, with a log of every call.
import type { Channel, EventName, Events, RequestOf, Responses } from '../../src-main/contract/api';
import type { Result } from '../../src-main/contract/result';
import type { ApiConnection } from '../../src-renderer/src/api/connection';
import { channelProxy } from '../../src-renderer/src/api/connection';

export type Handlers = { [C in Channel]?: (request: RequestOf<C>) => Responses[C] | Promise<Responses[C]> | Result<Responses[C]> };

export interface FakeBackend extends ApiConnection {
  readonly calls: { channel: string; request: unknown }[];
  handlers: Handlers;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  reconnect(): void;
  listenerCount(event: EventName): number;
}

const isResult = (value: unknown): value is Result<unknown> => typeof value === 'object' && value !== null && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean';

export function fakeBackend(handlers: Handlers = {}, options: { ready?: Promise<void> } = {}): FakeBackend {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const reconnectListeners = new Set<() => void>();
  const calls: { channel: string; request: unknown }[] = [];
  const backend: FakeBackend = {
    calls,
    handlers,
    transport: 'web',
    api: channelProxy(async (channel, request) => {
      calls.push({ channel, request });
      const handler = backend.handlers[channel as Channel] as ((r: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, code: 'api/unknown-channel', message: `no fake handler for ${channel}` };
      try {
        const value = await handler(request);
        return isResult(value) ? value : { ok: true, value };
      } catch (error) {
        return { ok: false, code: 'internal', message: (error as Error).message };
      }
    }),
    subscribe: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    ready: () => options.ready ?? Promise.resolve(),
    onReconnect: (listener) => {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    close: () => {},
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
    },
    reconnect() {
      for (const listener of reconnectListeners) listener();
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
  return backend;
}

/** Resolves after pending promise callbacks (fake handlers are async). */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
