// Electron entry: the app's lifecycle and nothing else. The window and its guards live in electron/window.ts, the
// IPC wiring in electron/ipc-main.ts; engine work runs in the plain-Node service (src-main/node), never on this thread.
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { createWorkbenchService } from './node/service/workbench-service';
import type { WorkbenchService } from './node/service/workbench-service-types';
import { connectIpc, type IpcConnection } from './electron/ipc-main';
import { notifyRunEnds } from './electron/run-notifications';
import { createMainWindow } from './electron/window';

app.enableSandbox();

let service: WorkbenchService | null = null;
let ipc: IpcConnection | null = null;
let stopNotices: (() => void) | null = null;

function openWindow(): void {
  const win = createMainWindow();
  ipc?.attachWindow(win);
}

async function start(): Promise<void> {
  service = await createWorkbenchService({ workspaceDir: join(app.getPath('userData'), 'workspace'), transport: 'ipc' });
  ipc = connectIpc(service);
  stopNotices = notifyRunEnds(service, () => BrowserWindow.getAllWindows()[0] ?? null);
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  // Running jobs are cancelled and the store closed before the process goes; quitting waits for it once.
  app.on('before-quit', (event) => {
    const closing = service;
    if (!closing) return;
    event.preventDefault();
    service = null;
    stopNotices?.();
    ipc?.dispose();
    closing
      .close()
      .catch((error: unknown) => console.error('ntk-workbench: closing the workspace failed:', error))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('ntk-workbench: failed to start:', error);
      app.exit(1);
    });
}
