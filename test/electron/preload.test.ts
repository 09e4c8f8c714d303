// src-main/preload.ts run against a fake Electron: window.api is the contract's channels plus `on` and nothing else,
// events from the service reach exactly their listeners, and the built preload is one CJS file requiring only electron.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_NAMES, type EventName, type Events, type EventSubscribe } from '../../src-main/contract/api';
import { forwardEvents } from '../../src-main/electron/ipc-events';
import { createFakeElectron } from '../helpers/fake-electron';

const root = join(__dirname, '..', '..');

/** A service-side event source: what WorkbenchService.subscribe gives, with a way to emit. */
function eventSource() {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const subscribe: EventSubscribe = (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: Events[E]) => void)(payload);
  };
  const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { subscribe, emit, count };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('preload', () => {
  it('pathForFile answers the dropped file\'s path from webUtils, and an empty string for a file not on disk', async () => {
    const api = await createFakeElectron().loadPreload();
    expect(api.pathForFile({ name: 'step-100.onnx', diskPath: '/data/run1/step-100.onnx' })).toBe('/data/run1/step-100.onnx');
    expect(api.pathForFile({ name: 'pasted.onnx' })).toBe('');
  });

  it('exposes one method per contract channel plus on() and pathForFile(), and nothing else', async () => {
    const electron = createFakeElectron();
    const api = await electron.loadPreload();
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on', 'pathForFile'].sort());
    for (const key of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
  });

  it('sends each method to its own channel with the request as given', async () => {
    const electron = createFakeElectron();
    const seen: [string, unknown][] = [];
    for (const channel of CHANNELS) electron.ipcMain.handle(channel, (_event, request) => seen.push([channel, request]));
    const api = await electron.loadPreload();
    for (const channel of CHANNELS) await (api[channel] as (r: unknown) => Promise<unknown>)({ probe: channel });
    expect(seen).toEqual(CHANNELS.map((channel) => [channel, { probe: channel }]));
  });

  it('delivers forwarded service events to the listeners of that event only, until unsubscribed', async () => {
    const electron = createFakeElectron();
    const api = await electron.loadPreload();
    const source = eventSource();
    const stop = forwardEvents(source.subscribe, electron.webContents);
    expect(source.count()).toBe(EVENT_NAMES.length);

    const got: [string, unknown][] = [];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const offStatus = api.on('runs:status', (payload) => got.push(['status', payload]));
    api.on('runs:kernel', () => {
      throw new Error('a failing listener must not stop the others');
    });
    api.on('runs:kernel', (payload) => got.push(['kernel', payload]));
    source.emit('runs:status', { runId: 1, status: 'running', error: null });
    source.emit('runs:kernel', { runId: 1, step: 10 });
    source.emit('runs:progress', { runId: 1, step: 3, total: 9, loss: 0.5, elapsedSeconds: 1, etaSeconds: 2 });
    await settle();
    expect(got).toEqual([
      ['status', { runId: 1, status: 'running', error: null }],
      ['kernel', { runId: 1, step: 10 }],
    ]);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();

    offStatus();
    source.emit('runs:status', { runId: 1, status: 'done', error: null });
    await settle();
    expect(got).toHaveLength(2);

    stop();
    expect(source.count()).toBe(0);
  });

  it('refuses unknown events and non-function listeners', async () => {
    const api = await createFakeElectron().loadPreload();
    expect(() => api.on('runs:everything' as EventName, () => {})).toThrow(/unknown event/);
    expect(() => api.on('runs:status', 'alert(1)' as unknown as () => void)).toThrow(/listener function/);
  });

  it('sends nothing to a destroyed window', () => {
    const sent: unknown[] = [];
    const source = eventSource();
    forwardEvents(source.subscribe, { send: (_channel, message) => sent.push(message), isDestroyed: () => true });
    source.emit('runs:kernel', { runId: 1, step: 1 });
    expect(sent).toEqual([]);
  });

  it('builds into a single CJS file that requires only electron', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'ntk-build-'));
    try {
      await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'], { cwd: root });
      expect(await readdir(join(outDir, 'preload'))).toEqual(['index.cjs']);
      const code = await readFile(join(outDir, 'preload', 'index.cjs'), 'utf8');
      const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
      expect(new Set(required)).toEqual(new Set(['electron']));
      expect(code).not.toMatch(/\bimport\s*\(/);
      expect(code).toContain('exposeInMainWorld');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
