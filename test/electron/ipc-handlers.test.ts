// The Electron IPC layer in plain node: one handler per contract channel, and the sender check that answers
// api/forbidden to anything but our own window's main frame showing our own renderer, before any handler runs.
import { describe, expect, it } from 'vitest';
import { type ApiHandlers, CHANNELS } from '../../src-main/contract/api';
import { registerIpcHandlers, type IpcFrame } from '../../src-main/electron/ipc-handlers';
import { createSenderCheck, isOwnRendererUrl, type RendererLocation } from '../../src-main/electron/ipc-sender';
import { createFakeElectron, RENDERER_LOCATION } from '../helpers/fake-electron';

/** Handlers that only count calls: the sender check must refuse before any of them runs. */
function countingHandlers(): { handlers: ApiHandlers; calls: string[] } {
  const calls: string[] = [];
  const handlers = Object.fromEntries(CHANNELS.map((channel) => [channel, () => calls.push(channel)])) as unknown as ApiHandlers;
  return { handlers, calls };
}

function setup() {
  const electron = createFakeElectron();
  const { handlers, calls } = countingHandlers();
  let mainFrame: IpcFrame | null = electron.mainFrame;
  const remove = registerIpcHandlers({ ipcMain: electron.ipcMain, handlers, isTrustedSender: createSenderCheck(() => mainFrame, RENDERER_LOCATION) });
  return {
    electron,
    calls,
    remove,
    invoke: (channel: string, frame: IpcFrame | null, payload: unknown = {}) => electron.invokeFrom(frame, channel, payload),
    setMainFrame: (frame: IpcFrame | null) => (mainFrame = frame),
  };
}

describe('IPC handlers', () => {
  it('registers exactly one handler per contract channel and removes them all again', () => {
    const { electron, remove } = setup();
    expect(electron.ipcMain.channels().sort()).toEqual([...CHANNELS].sort());
    remove();
    expect(electron.ipcMain.channels()).toEqual([]);
  });

  it('forwards our own main frame to dispatch (validated, Result-wrapped)', async () => {
    const { invoke, calls, electron } = setup();
    expect(await invoke('projects:list', electron.mainFrame)).toEqual({ ok: true, value: 1 });
    expect(await invoke('projects:create', electron.mainFrame, { name: '' })).toMatchObject({ ok: false, code: 'api/invalid-request' });
    expect(calls).toEqual(['projects:list']);
  });

  it('answers api/forbidden to foreign senders on every channel, before validation or any handler', async () => {
    const { invoke, calls, electron, setMainFrame } = setup();
    const own = electron.mainFrame;
    const foreign: [what: string, frame: IpcFrame | null][] = [
      ['a subframe showing our page', { url: own.url, frameTreeNodeId: own.frameTreeNodeId + 1 }],
      ['our main frame navigated away', { url: 'https://evil.example/', frameTreeNodeId: own.frameTreeNodeId }],
      ['another local file', { url: 'file:///tmp/evil.html', frameTreeNodeId: own.frameTreeNodeId }],
      ['a data: URL', { url: 'data:text/html,<script>1</script>', frameTreeNodeId: own.frameTreeNodeId }],
      ['a destroyed frame', null],
    ];
    for (const [what, frame] of foreign) {
      for (const channel of CHANNELS) {
        expect(await invoke(channel, frame, { bad: true }), `${what} -> ${channel}`).toMatchObject({ ok: false, code: 'api/forbidden' });
      }
    }
    setMainFrame(null);
    expect(await invoke('projects:list', own)).toMatchObject({ ok: false, code: 'api/forbidden' });
    expect(calls).toEqual([]);
  });

  it('accepts our page with a query or hash (routes) but no other path', async () => {
    const { invoke, electron } = setup();
    const own = electron.mainFrame;
    expect(await invoke('app:info', { ...own, url: `${own.url}#/runs/3` })).toMatchObject({ ok: true });
    expect(await invoke('app:info', { ...own, url: `${own.url}?x=1` })).toMatchObject({ ok: true });
    expect(await invoke('app:info', { ...own, url: own.url.replace('index.html', 'other.html') })).toMatchObject({ code: 'api/forbidden' });
  });
});

describe('own renderer URL', () => {
  it('matches the built index.html by path, percent-encoding and all', () => {
    const location: RendererLocation = { kind: 'file', indexFile: '/Users/a b/App Ünï/out/renderer/index.html' };
    expect(isOwnRendererUrl('file:///Users/a%20b/App%20%C3%9Cn%C3%AF/out/renderer/index.html', location)).toBe(true);
    expect(isOwnRendererUrl('file:///Users/a%20b/App%20%C3%9Cn%C3%AF/out/renderer/../renderer/index.html', location)).toBe(true);
    expect(isOwnRendererUrl('file://evil-host/Users/a%20b/App%20%C3%9Cn%C3%AF/out/renderer/index.html', location)).toBe(false);
    expect(isOwnRendererUrl('not a url', location)).toBe(false);
  });

  it('matches the dev server by origin only', () => {
    const location: RendererLocation = { kind: 'dev-server', url: 'http://localhost:5173' };
    expect(isOwnRendererUrl('http://localhost:5173/', location)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5173/src/main.ts?x#y', location)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5174/', location)).toBe(false);
    expect(isOwnRendererUrl('https://localhost:5173/', location)).toBe(false);
    expect(isOwnRendererUrl('http://localhost.evil.example:5173/', location)).toBe(false);
  });
});
