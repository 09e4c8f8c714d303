// Native notifications of a run's end in the desktop app: the contract's createRunNotifier (the same decision as the
// browser build's) on the service's runs:status events, shown with Electron's Notification while the window is
// not in front; a click brings the window back.
import { type BrowserWindow, Notification } from 'electron';
import { createRunNotifier } from '../contract/run-notice';
import type { WorkbenchService } from '../node/service/workbench-service-types';

export function notifyRunEnds(service: WorkbenchService, window: () => BrowserWindow | null): () => void {
  const live = () => {
    const win = window();
    return win && !win.isDestroyed() ? win : null;
  };
  const notify = createRunNotifier({
    allowed: () => Notification.isSupported(),
    watching: () => live()?.isFocused() ?? false,
    nameOf: async (id) => (await service.handlers['runs:get']({ id })).name,
    show: (notice) => {
      const shown = new Notification({ title: notice.title, body: notice.body });
      shown.on('click', () => {
        live()?.show();
        live()?.focus();
      });
      shown.show();
    },
  });
  return service.subscribe('runs:status', (event) => void notify(event));
}
