// Browser notifications of a run's end (finished, failed, diverged) in browser mode: the decision is the contract's
// createRunNotifier (shared with the desktop shell, which shows its own native ones, so this stays off over IPC).
// Permission is asked only when the researcher turns the setting on, never on load.
import { createRunNotifier, type RunNotice } from '../../../src-main/contract/run-notice';
import { backend, call } from './backend';

/** The page's Notification API, or null where there is none (an old browser, a test DOM). */
function notificationApi(): typeof Notification | null {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

export type NotificationPermissionState = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationPermissionState {
  return notificationApi()?.permission ?? 'unsupported';
}

/** Asks the browser once (from the setting's click); answers what it allows now. A refusal is an answer, not an error. */
export async function askNotificationPermission(): Promise<NotificationPermissionState> {
  const api = notificationApi();
  if (!api) return 'unsupported';
  if (api.permission !== 'default') return api.permission;
  try {
    return await api.requestPermission();
  } catch {
    return api.permission;
  }
}

function show(notice: RunNotice): void {
  const api = notificationApi();
  if (!api) return;
  try {
    new api(notice.title, { body: notice.body, tag: `ntk-run-${notice.runId}` });
  } catch {
    // Some browsers allow notifications only from a service worker; the app's own status line still says it.
  }
}

/** Listens to runs:status for as long as the page lives; `enabled` is the setting. Returns the unsubscribe. */
export function startRunNotifications(enabled: () => boolean): () => void {
  const notify = createRunNotifier({
    allowed: () => enabled() && notificationPermission() === 'granted',
    watching: () => document.visibilityState === 'visible' && document.hasFocus(),
    nameOf: async (runId) => (await call('runs:get', { id: runId })).name,
    show,
  });
  return backend().subscribe('runs:status', (event) => void notify(event));
}
