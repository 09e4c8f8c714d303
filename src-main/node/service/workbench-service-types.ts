// What a host (Electron main, the web bridge, tests) gets from the workbench service: the API handlers, the event
// stream and a close. Transports only forward to these; they never reach into the store or the jobs themselves.
import type { ApiHandlers, EventSubscribe } from '../../contract/api';
import type { EngineChoice } from '../engines';
import type { OrphanedQueuedPolicy } from '../store/runs';

export interface WorkbenchService {
  readonly handlers: ApiHandlers;
  readonly subscribe: EventSubscribe;
  /** Cancels running jobs cooperatively, waits for them, and closes the store. */
  close(): Promise<void>;
}

export interface WorkbenchServiceOptions {
  /** Folder that holds the workspace database (created if missing). */
  readonly workspaceDir: string;
  readonly transport: 'ipc' | 'web';
  /** Training jobs run at once, each in its own worker thread; default 1. */
  readonly concurrency?: number;
  readonly engine?: EngineChoice;
  /** Queued runs left by a host that died (kill -9, a crash): taken into this queue (default) or marked interrupted. */
  readonly orphanedQueued?: OrphanedQueuedPolicy;
  /** How long an upload no import run names is kept (default 24 h, transfers/upload-pruning.ts). */
  readonly uploadRetentionMs?: number;
}
