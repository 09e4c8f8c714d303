// Electron's half of desktop-exports.ts: the native save dialog over the app's window, and a hidden window (sandboxed,
// scripts off, no preload) that loads a report's self-contained HTML file and prints it with webContents.printToPDF.
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import type { DesktopShell } from './desktop-exports';

export function electronShell(parent: () => BrowserWindow | null): DesktopShell {
  return {
    async chooseSavePath({ defaultName, filterName, extension }) {
      const options: Electron.SaveDialogOptions = {
        defaultPath: join(app.getPath('documents'), defaultName),
        filters: [{ name: filterName, extensions: [extension] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const win = parent();
      const { canceled, filePath } = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return canceled || !filePath ? null : filePath;
    },
    async printToPdf(htmlFile) {
      const win = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false },
      });
      try {
        await win.loadFile(htmlFile);
        // The report's print CSS keeps each chart on one page (break-inside: avoid).
        return new Uint8Array(await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }));
      } finally {
        win.destroy();
      }
    },
  };
}
