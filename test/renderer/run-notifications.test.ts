// Browser notifications of a run's end: permission asked only from the setting's click (a refusal leaves the box
// off and says why), and in browser mode a run's end raises one Notification when allowed and the tab is away.
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installBackend } from '../../src-renderer/src/services/backend';
import { startRunNotifications } from '../../src-renderer/src/services/run-notifications';
import { useSettingsStore } from '../../src-renderer/src/stores/settings';
import SettingsView from '../../src-renderer/src/views/SettingsView.vue';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

/** A Notification API stand-in: its permission, what requestPermission answers, and the notifications made. */
function stubNotifications(permission: NotificationPermission, answer: NotificationPermission) {
  const made: { title: string; body?: string }[] = [];
  const requestPermission = vi.fn(async () => {
    Stub.permission = answer;
    return answer;
  });
  class Stub {
    static permission = permission;
    static requestPermission = requestPermission;
    constructor(title: string, options?: { body?: string }) {
      made.push({ title, body: options?.body });
    }
  }
  vi.stubGlobal('Notification', Stub);
  return { made, requestPermission };
}

afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('notification setting', () => {
  it('asks for permission only when ticked; a refusal leaves it off and says so', async () => {
    const { requestPermission } = stubNotifications('default', 'denied');
    installBackend(fakeBackend({ 'app:info': () => ({ version: '0', workspace: '/ws', backend: null, transport: 'web', jobConcurrency: 1, memory: { free: 2 ** 33, total: 2 ** 34 } }) }));
    const view = mount(SettingsView, { attachTo: document.body });
    await flushPromises();
    expect(requestPermission).not.toHaveBeenCalled();
    const box = view.find<HTMLInputElement>('[data-testid="notify-runs"]');
    await box.setValue(true);
    await flushPromises();
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect(box.element.checked).toBe(false);
    expect(useSettingsStore().notifyRuns).toBe(false);
    expect(view.find('[data-testid="notify-permission"]').text()).toContain('blocks notifications');
    view.unmount();
  });

  it('keeps the setting when the browser allows it', async () => {
    stubNotifications('default', 'granted');
    installBackend(fakeBackend({ 'app:info': () => ({ version: '0', workspace: '/ws', backend: null, transport: 'web', jobConcurrency: 1, memory: { free: 2 ** 33, total: 2 ** 34 } }) }));
    const view = mount(SettingsView, { attachTo: document.body });
    await view.find('[data-testid="notify-runs"]').setValue(true);
    await flushPromises();
    expect(useSettingsStore().notifyRuns).toBe(true);
    expect(JSON.parse(window.localStorage.getItem('ntk-workbench.settings') ?? '{}').notifyRuns).toBe(true);
    view.unmount();
  });
});

describe('startRunNotifications', () => {
  it('raises one Notification per run end while enabled, allowed and the tab is in the background', async () => {
    const { made } = stubNotifications('granted', 'granted');
    const backend = fakeBackend({ 'runs:get': ({ id }) => runRecord(id, { name: `Fig. 1 #${id}` }) });
    installBackend(backend);
    let enabled = false;
    const hidden = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    const stop = startRunNotifications(() => enabled);
    backend.emit('runs:status', { runId: 1, status: 'done', error: null });
    await flushPromises();
    expect(made).toEqual([]);
    enabled = true;
    backend.emit('runs:status', { runId: 2, status: 'failed', error: { code: 'train/non-finite', message: 'loss is NaN at step 40' } });
    backend.emit('runs:status', { runId: 2, status: 'failed', error: { code: 'train/non-finite', message: 'loss is NaN at step 40' } });
    await flushPromises();
    expect(made).toEqual([{ title: 'Diverged: Fig. 1 #2', body: 'loss is NaN at step 40' }]);
    stop();
    expect(backend.listenerCount('runs:status')).toBe(0);
    hidden.mockRestore();
  });
});
