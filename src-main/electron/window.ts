// The main window and the guards around it: a sandboxed, context-isolated renderer that loads only the app's own
// files (the built renderer, or the dev server in development) under a strict CSP; navigation, new windows,
// webviews, permission requests and remote content are refused. See https://www.electronjs.org/docs/latest/tutorial/security
import { join } from 'node:path';
import { app, BrowserWindow, type Session } from 'electron';

const basePolicy = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
} as const;

/**
 * The policy sent with every response. src-renderer/index.html carries the same one as a meta tag, which is what
 * guards file:// pages where response headers may not apply (less frame-ancestors, which a meta tag cannot set).
 */
function contentSecurityPolicy(devServerUrl?: string): string {
  const policy: Record<string, readonly string[]> = { ...basePolicy };
  if (devServerUrl) {
    // Vite's dev server injects <style> tags and talks to its HMR socket; a build needs neither.
    const { host } = new URL(devServerUrl);
    policy['style-src'] = [...basePolicy['style-src'], "'unsafe-inline'"];
    policy['connect-src'] = [...basePolicy['connect-src'], `ws://${host}`];
  }
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

function isRemote(url: string, devServerUrl?: string): boolean {
  const { protocol, host } = new URL(url);
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol)) return false;
  return !devServerUrl || host !== new URL(devServerUrl).host;
}

function guardSession(session: Session, devServerUrl?: string): void {
  const csp = contentSecurityPolicy(devServerUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: isRemote(details.url, devServerUrl) });
  });
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(): BrowserWindow {
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'NTK Workbench',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  guardSession(win.webContents.session, devServerUrl);

  const contents = win.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());

  const loaded = devServerUrl
    ? win.loadURL(devServerUrl)
    : win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  loaded.catch((error: unknown) => console.error('ntk-workbench: the renderer failed to load:', error));
  return win;
}
