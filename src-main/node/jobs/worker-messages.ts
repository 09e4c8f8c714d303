// Messages between the host thread and its workers: the job queue and a run's worker, the task runner and a task.
import type { MetricPointDto, ProgressDto, RequestOf } from '../../contract/api';
import type { ErrorCode } from '../../contract/result';
import type { EngineChoice } from '../engines';
import type { RunState } from '../store/types';

export interface TrainWorkerData {
  readonly storePath: string;
  readonly runId: number;
  readonly engine: EngineChoice;
}

export type HostToWorker = { readonly type: 'cancel' };

export type WorkerToHost =
  | { readonly type: 'progress'; readonly progress: ProgressDto }
  | { readonly type: 'points'; readonly points: MetricPointDto[] }
  | { readonly type: 'kernel'; readonly step: number }
  | { readonly type: 'status'; readonly status: RunState; readonly error: { code: ErrorCode; message: string } | null };

/** A one-off task for task-worker.ts, named by the API channel it answers. */
export type WorkerTask =
  | { readonly kind: 'imports:inspect'; readonly request: RequestOf<'imports:inspect'> }
  | { readonly kind: 'reports:export'; readonly request: RequestOf<'reports:export'>; readonly workspaceDir: string }
  | { readonly kind: 'reproduce:panels'; readonly request: RequestOf<'reproduce:panels'>; readonly workspaceDir: string };

export interface TaskWorkerData {
  readonly task: WorkerTask;
}

/** What task-worker.ts posts once: the task's value or its failure. */
export type TaskOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };
