// Service events to the renderer: every contract event goes to our window as webContents.send('event', {event,
// payload}); the service has already throttled and batched them. The preload hands them to window.api.on listeners.
import { EVENT_NAMES, type EventSubscribe } from '../contract/api';

/** The channel the preload listens on. */
export { IPC_EVENT_CHANNEL } from '../contract/channels';
import { IPC_EVENT_CHANNEL } from '../contract/channels';

/** The part of Electron's WebContents the forwarder uses. */
export interface EventSink {
  send(channel: string, message: unknown): void;
  isDestroyed(): boolean;
}

/** Forwards until the returned function is called. */
export function forwardEvents(subscribe: EventSubscribe, target: EventSink): () => void {
  const unsubscribes = EVENT_NAMES.map((event) =>
    subscribe(event, (payload) => {
      if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, { event, payload });
    }),
  );
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
