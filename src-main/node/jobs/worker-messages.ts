// Messages between the job queue (host thread) and a training worker thread.
import type { MetricPointDto, ProgressDto } from '../../contract/api';
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
