// Listening to a client's event stream in tests: record everything, and wait for an event that matches.
import { EVENT_NAMES, type EventName, type Events, type EventSubscribe } from '../../src-main/contract/api';

export type SeenEvent = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/** Every event from now on, in arrival order; `stop` unsubscribes. */
export function recordEvents(subscribe: EventSubscribe): { seen: SeenEvent[]; stop(): void } {
  const seen: SeenEvent[] = [];
  const stops = EVENT_NAMES.map((event) => subscribe(event, (payload) => seen.push({ event, payload } as SeenEvent)));
  return { seen, stop: () => stops.forEach((stop) => stop()) };
}

export function waitForEvent<E extends EventName>(subscribe: EventSubscribe, event: E, match: (payload: Events[E]) => boolean, timeoutMs = 90_000): Promise<Events[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = subscribe(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}
