// The renderer's only door to the main process: window.api holds one method per contract channel (ipcRenderer.invoke),
// `on(event, listener)` for the contract's events and `pathForFile` for dropped files, nothing else; no ipcRenderer
// escapes. The window is sandboxed,
// so this is bundled into one CJS file that requires only electron.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ApiClient, EventName, EventSubscribe, PreloadApi } from './contract/api';
import { CHANNELS, EVENT_NAMES, IPC_EVENT_CHANNEL } from './contract/channels';

const requests = Object.fromEntries(
  CHANNELS.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(channel, request)]),
) as unknown as ApiClient;

// One IPC listener for all events, fanned out here, so many subscriptions do not pile listeners onto ipcRenderer.
const listeners = new Map<EventName, Set<(payload: unknown) => void>>(EVENT_NAMES.map((name) => [name, new Set()]));
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: { event: EventName; payload: unknown }) => {
  for (const listener of listeners.get(message?.event) ?? []) {
    try {
      listener(message.payload);
    } catch (error) {
      console.error(`window.api.on('${message.event}') listener failed:`, error);
    }
  }
});

const on: EventSubscribe = (event, listener) => {
  const set = listeners.get(event);
  if (!set) throw new Error(`unknown event '${String(event)}': one of ${EVENT_NAMES.join(', ')}`);
  if (typeof listener !== 'function') throw new TypeError('window.api.on needs a listener function');
  const relay = (payload: unknown): void => listener(payload as never);
  set.add(relay);
  return () => {
    set.delete(relay);
  };
};

// Since Electron 32 a dropped File no longer carries `.path`; only the preload may ask webUtils for it.
const pathForFile = (file: object): string => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);

contextBridge.exposeInMainWorld('api', { ...requests, on, pathForFile } satisfies PreloadApi);
