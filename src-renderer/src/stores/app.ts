// App-wide state: what the backend says about itself (app:info: transport, backend, workspace) and the notices
// shown to the user, each error with its stable code.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AppInfoDto } from '../../../src-main/contract/api';
import { describeError } from '../lib/result';
import { backend, call } from '../services/backend';
import { startRunNotifications } from '../services/run-notifications';
import { useSettingsStore } from './settings';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly code?: string;
  readonly message: string;
}

export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfoDto | null>(null);
  const infoError = shallowRef<{ code: string; message: string } | null>(null);
  const eventsLive = ref(false);
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  async function loadInfo(): Promise<void> {
    try {
      info.value = await call('app:info', {});
      infoError.value = null;
    } catch (error) {
      infoError.value = describeError(error);
    }
  }

  /** Waits for the event stream, then keeps app:info fresh (the backend is known once the first run starts). */
  async function connect(): Promise<void> {
    await loadInfo();
    await backend().ready();
    eventsLive.value = true;
    backend().subscribe('runs:status', ({ status }) => {
      if (status === 'running') void loadInfo();
    });
    // The desktop shell shows native notifications itself; the browser build asks the page's Notification API.
    if (info.value?.transport === 'web') {
      const settings = useSettingsStore();
      startRunNotifications(() => settings.notifyRuns);
    }
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  function notify(message: string, kind: Notice['kind'] = 'info', code?: string): void {
    const id = nextId++;
    notices.value = [...notices.value.slice(-4), { id, kind, message, ...(code ? { code } : {}) }];
    if (kind === 'info') setTimeout(() => dismiss(id), 4000);
  }

  /** Shows a failure with its code; `context` says what was being done ("Deleting run 3"). */
  function reportError(error: unknown, context: string): void {
    const { code, message } = describeError(error);
    notify(`${context}: ${message}`, 'error', code);
  }

  return { info, infoError, eventsLive, notices, loadInfo, connect, notify, reportError, dismiss };
});
