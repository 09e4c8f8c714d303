// Fans API events out to every listener, coalescing the chatty ones: progress keeps the latest per run and metric
// points are concatenated per run, both flushed about ten times a second; status and kernel notices go at once.
import type { EventName, Events, EventSubscribe, MetricPointDto, ProgressDto } from '../../contract/api';

type Listener = (payload: never) => void;

export interface EventHub {
  readonly subscribe: EventSubscribe;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** Sends what is pending now (tests, shutdown). */
  flush(): void;
  close(): void;
}

export function createEventHub(intervalMs = 100): EventHub {
  const listeners = new Map<EventName, Set<Listener>>();
  const progress = new Map<number, ProgressDto>();
  const points = new Map<number, MetricPointDto[]>();
  const send = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (p: Events[E]) => void)(payload);
      } catch {
        // One failing client (a closed socket) must not stop the others.
      }
    }
  };
  const flush = () => {
    for (const [runId, list] of points) send('runs:metrics', { runId, points: list });
    points.clear();
    for (const p of progress.values()) send('runs:progress', p);
    progress.clear();
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return {
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(event, set);
      return () => set.delete(listener as Listener);
    },
    emit(event, payload) {
      if (event === 'runs:progress') {
        const p = payload as ProgressDto;
        progress.set(p.runId, p);
      } else if (event === 'runs:metrics') {
        const m = payload as Events['runs:metrics'];
        points.set(m.runId, [...(points.get(m.runId) ?? []), ...m.points]);
      } else {
        flush();
        send(event, payload);
      }
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
      listeners.clear();
    },
  };
}
