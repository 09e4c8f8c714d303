// Which IPC senders are ours: the main frame of our window, showing our renderer (the built index.html over file://,
// or the dev server's origin in development). Anything else (a subframe, a page navigated elsewhere) is refused.
import { pathToFileURL } from 'node:url';
import type { IpcFrame } from './ipc-handlers';

/** Where our renderer is loaded from; the same choice src-main/electron/window.ts makes. */
export type RendererLocation = { readonly kind: 'file'; readonly indexFile: string } | { readonly kind: 'dev-server'; readonly url: string };

export function isOwnRendererUrl(url: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev-server') return parsed.origin === new URL(location.url).origin;
  const own = pathToFileURL(location.indexFile);
  return parsed.protocol === 'file:' && parsed.host === own.host && decodeURIComponent(parsed.pathname) === decodeURIComponent(own.pathname);
}

/** A check for registerIpcHandlers: the frame is `mainFrame()` (looked up per call: windows close and reopen) and shows our URL. */
export function createSenderCheck(mainFrame: () => IpcFrame | null, location: RendererLocation): (frame: IpcFrame | null) => boolean {
  return (frame) => {
    const main = mainFrame();
    if (!frame || !main) return false;
    return frame.frameTreeNodeId === main.frameTreeNodeId && isOwnRendererUrl(frame.url, location);
  };
}
