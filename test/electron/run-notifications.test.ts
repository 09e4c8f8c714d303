// The desktop shell's run-end notifications against a fake Electron: the service's runs:status events become native
// Notifications while the window is in the background, once per run, and a click brings the window back.
import { describe, expect, it, vi } from 'vitest';
import type { Events } from '../../src-main/contract/api';
import type { WorkbenchService } from '../../src-main/node/service/workbench-service-types';

const shown: { title: string; body: string; click?: () => void }[] = [];

vi.mock('electron', () => ({
  Notification: class {
    static isSupported = () => true;
    private entry: { title: string; body: string; click?: () => void };
    constructor(options: { title: string; body: string }) {
      this.entry = { ...options };
    }
    on(event: string, listener: () => void) {
      if (event === 'click') this.entry.click = listener;
    }
    show() {
      shown.push(this.entry);
    }
  },
}));

const { notifyRunEnds } = await import('../../src-main/electron/run-notifications');

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('notifyRunEnds', () => {
  it('notifies a run’s end while the window is in the background, once, and a click brings the window back', async () => {
    const listeners = new Set<(e: Events['runs:status']) => void>();
    const service = {
      handlers: { 'runs:get': async ({ id }: { id: number }) => ({ name: `Fig. 1 #${id}` }) },
      subscribe: (_event: string, listener: (e: Events['runs:status']) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } as unknown as WorkbenchService;
    let focused = true;
    const win = { isDestroyed: () => false, isFocused: () => focused, show: vi.fn(), focus: vi.fn() };
    const stop = notifyRunEnds(service, () => win as never);
    const emit = (e: Events['runs:status']) => listeners.forEach((l) => l(e));
    emit({ runId: 1, status: 'done', error: null });
    await settle();
    expect(shown).toEqual([]);
    focused = false;
    emit({ runId: 2, status: 'failed', error: { code: 'train/non-finite', message: 'loss is NaN at step 40' } });
    emit({ runId: 2, status: 'failed', error: { code: 'train/non-finite', message: 'loss is NaN at step 40' } });
    emit({ runId: 3, status: 'cancelled', error: null });
    await settle();
    expect(shown.map(({ title, body }) => ({ title, body }))).toEqual([{ title: 'Diverged: Fig. 1 #2', body: 'loss is NaN at step 40' }]);
    shown[0].click?.();
    expect(win.focus).toHaveBeenCalled();
    stop();
    expect(listeners.size).toBe(0);
  });
});
