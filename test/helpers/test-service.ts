// The workbench service the transport tests run against: the real one on a fresh temporary workspace (training in
// worker threads, the embedded store), closed and removed again by `dispose`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchService } from '../../src-main/node/service/workbench-service';
import type { WorkbenchService } from '../../src-main/node/service/workbench-service-types';

export interface TestService extends WorkbenchService {
  readonly workspaceDir: string;
  /** Closes the service and deletes its workspace. */
  dispose(): Promise<void>;
}

export async function createTestService(transport: 'ipc' | 'web'): Promise<TestService> {
  const workspaceDir = await mkdtemp(join(tmpdir(), `ntk-${transport}-`));
  const service = await createWorkbenchService({ workspaceDir, transport });
  return {
    ...service,
    workspaceDir,
    async dispose() {
      await service.close();
      await rm(workspaceDir, { recursive: true, force: true });
    },
  };
}
