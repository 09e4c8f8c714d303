// Waits for a run of the service to reach one of `statuses` (its runs:status event), or fails after `timeoutMs`.
import type { Events } from '../../../src-main/contract/api';
import type { WorkbenchService } from '../../../src-main/node/service/workbench-service-types';

export function waitForStatus(service: WorkbenchService, runId: number, statuses: string[], timeoutMs = 120_000): Promise<Events['runs:status']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId} did not reach ${statuses.join('/')}`)), timeoutMs);
    const off = service.subscribe('runs:status', (event) => {
      if (event.runId === runId && statuses.includes(event.status)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}
