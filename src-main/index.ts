// Electron entry: the app's lifecycle and nothing else. The window and its guards live in electron/window.ts;
// engine work runs in the plain-Node services (src-main/node), never on this thread.
import { app, BrowserWindow } from 'electron';
import { createMainWindow } from './electron/window';

app.enableSandbox();

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
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });

  app
    .whenReady()
    .then(() => createMainWindow())
    .catch((error: unknown) => {
      console.error('ntk-workbench: failed to start:', error);
      app.exit(1);
    });
}
