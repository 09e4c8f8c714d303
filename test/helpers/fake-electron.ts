// A stand-in for the parts of Electron the IPC layer and the preload touch: ipcMain.handle / ipcRenderer.invoke with
// structured-clone copies (as real IPC makes), webContents.send delivered asynchronously to ipcRenderer.on, and a
// contextBridge that records what the preload exposes. Lets src-main/preload.ts itself run in plain node.
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import type { IpcFrame, IpcInvokeEvent, IpcMainLike } from '../../src-main/electron/ipc-handlers';
import type { EventSink } from '../../src-main/electron/ipc-events';
import type { RendererLocation } from '../../src-main/electron/ipc-sender';
import type { PreloadApi } from '../../src-renderer/src/api/ipc-client';

type MainListener = (event: IpcInvokeEvent, ...args: unknown[]) => unknown;
type RendererListener = (event: unknown, ...args: unknown[]) => void;

const INDEX_FILE = '/opt/ntk-workbench/out/renderer/index.html';
export const RENDERER_LOCATION: RendererLocation = { kind: 'file', indexFile: INDEX_FILE };

export interface FakeElectron {
  readonly ipcMain: IpcMainLike & { readonly channels: () => string[] };
  readonly webContents: EventSink;
  /** Our window's main frame, showing our renderer. */
  readonly mainFrame: IpcFrame;
  /** The frame the preload's invokes come from (the main frame unless a test changes it). */
  sender: IpcFrame | null;
  /** What ipcRenderer.invoke does, from the given frame; Electron rejects a channel with no handler. */
  invokeFrom(frame: IpcFrame | null, channel: string, ...args: unknown[]): Promise<unknown>;
  /** Loads src-main/preload.ts against this fake and returns what it exposed as window.api. */
  loadPreload(): Promise<PreloadApi>;
}

export function createFakeElectron(): FakeElectron {
  const mainHandlers = new Map<string, MainListener>();
  const rendererListeners = new Map<string, Set<RendererListener>>();
  const exposed = new Map<string, unknown>();
  const mainFrame: IpcFrame = { url: pathToFileURL(INDEX_FILE).href, frameTreeNodeId: 1 };

  const fake: FakeElectron = {
    mainFrame,
    sender: mainFrame,
    ipcMain: {
      handle(channel, listener) {
        if (mainHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        mainHandlers.set(channel, listener);
      },
      removeHandler: (channel) => void mainHandlers.delete(channel),
      channels: () => [...mainHandlers.keys()],
    },
    webContents: {
      send(channel, message) {
        const copy = structuredClone(message);
        setImmediate(() => {
          for (const listener of rendererListeners.get(channel) ?? []) listener({}, copy);
        });
      },
      isDestroyed: () => false,
    },
    async invokeFrom(frame, channel, ...args) {
      const handler = mainHandlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)));
    },
    async loadPreload() {
      const ipcRenderer = {
        invoke: (channel: string, ...args: unknown[]) => fake.invokeFrom(fake.sender, channel, ...args),
        on(channel: string, listener: RendererListener) {
          const set = rendererListeners.get(channel) ?? new Set();
          rendererListeners.set(channel, set);
          set.add(listener);
          return ipcRenderer;
        },
        removeListener(channel: string, listener: RendererListener) {
          rendererListeners.get(channel)?.delete(listener);
          return ipcRenderer;
        },
      };
      const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, Object.freeze({ ...(api as object) })) };
      vi.resetModules();
      // webUtils.getPathForFile answers a File's path on disk; the fake reads it from a `diskPath` the test sets.
      const webUtils = { getPathForFile: (file: { diskPath?: string }) => file.diskPath ?? '' };
      vi.doMock('electron', () => ({ contextBridge, ipcRenderer, webUtils }));
      try {
        await import('../../src-main/preload');
      } finally {
        vi.doUnmock('electron');
      }
      return exposed.get('api') as PreloadApi;
    },
  };
  return fake;
}
