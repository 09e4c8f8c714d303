// The contract's events over one WebSocket to the web bridge, kept open: when it drops it reconnects with growing
// pauses (0.5 s doubling to 10 s) and tells onReconnect listeners, since events sent while it was down are lost.
import type { EventName, Events, EventSubscribe } from '../../../src-main/contract/api';

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(): void;
}

/** Opens a WebSocket (the browser's, or the `ws` package's in node tests) and reports to `on`. */
export type OpenSocket = (url: string, on: SocketHandlers) => { close(code?: number, reason?: string): void };

export interface EventStream {
  readonly subscribe: EventSubscribe;
  ready(): Promise<void>;
  onReconnect(listener: () => void): () => void;
  close(): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export function createEventStream(url: string, openSocket: OpenSocket): EventStream {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const reconnectListeners = new Set<() => void>();
  let socket: ReturnType<OpenSocket> | null = null;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let everOpened = false;
  let waiters: (() => void)[] = [];
  let open = false;

  const deliver = (data: unknown): void => {
    let message: { event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return;
    }
    for (const listener of listeners.get(String(message.event)) ?? []) {
      try {
        (listener as (payload: unknown) => void)(message.payload);
      } catch (error) {
        console.error(`listener for '${String(message.event)}' failed:`, error);
      }
    }
  };

  const connect = (): void => {
    retryTimer = null;
    if (closed) return;
    const current = openSocket(url, {
      open() {
        open = true;
        retryMs = FIRST_RETRY_MS;
        const reconnected = everOpened;
        everOpened = true;
        for (const resolve of waiters) resolve();
        waiters = [];
        if (reconnected) for (const listener of reconnectListeners) listener();
      },
      message: deliver,
      close() {
        open = false;
        if (closed || socket !== current) return;
        socket = null;
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      },
    });
    socket = current;
  };
  connect();

  return {
    subscribe: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    ready: () => (open ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close(1000, 'client closed');
      socket = null;
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
}
