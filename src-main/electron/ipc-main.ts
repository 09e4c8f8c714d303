// Wires the workbench service to Electron: the contract's handlers on ipcMain for whichever window is the app's main
// window (report exports through the save dialog, desktop-exports.ts), and the service's events to that window's renderer. src-main/index.ts calls this once at startup.
import { join } from 'node:path';
import { app, type BrowserWindow, ipcMain } from 'electron';
import type { WorkbenchService } from '../node/service/workbench-service-types';
import { withDesktopExports } from './desktop-exports';
import { electronShell } from './desktop-shell';
import { forwardEvents } from './ipc-events';
import { registerIpcHandlers } from './ipc-handlers';
import { createSenderCheck, type RendererLocation } from './ipc-sender';

/** Where src-main/electron/window.ts loads the renderer from (this module is bundled into the same out/main file). */
export function rendererLocation(): RendererLocation {
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  return devServerUrl ? { kind: 'dev-server', url: devServerUrl } : { kind: 'file', indexFile: join(import.meta.dirname, '../renderer/index.html') };
}

export interface IpcConnection {
  /** Makes `win` the window whose main frame may call the API and that receives events, until it closes. */
  attachWindow(win: BrowserWindow): void;
  dispose(): void;
}

export function connectIpc(service: WorkbenchService): IpcConnection {
  let current: BrowserWindow | null = null;
  let stopEvents: (() => void) | null = null;
  const detach = (): void => {
    stopEvents?.();
    stopEvents = null;
    current = null;
  };
  const removeHandlers = registerIpcHandlers({
    ipcMain,
    handlers: withDesktopExports(service.handlers, electronShell(() => (current && !current.isDestroyed() ? current : null))),
    isTrustedSender: createSenderCheck(() => (current && !current.isDestroyed() ? current.webContents.mainFrame : null), rendererLocation()),
  });
  return {
    attachWindow(win) {
      detach();
      current = win;
      stopEvents = forwardEvents(service.subscribe, win.webContents);
      win.once('closed', () => {
        if (current === win) detach();
      });
    },
    dispose() {
      detach();
      removeHandlers();
    },
  };
}
