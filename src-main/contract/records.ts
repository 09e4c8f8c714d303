// Projects and runs as plain data: what the store returns and what crosses IPC and the web bridge unchanged.
// Times are epoch milliseconds; ids are SQLite integer keys, unique within one workspace.
import type { ImportConfig } from './import-config';
import type { ErrorCode } from './result';
import type { RunConfig } from './run-config';

export type ProjectId = number;
export type RunId = number;

export interface Project {
  readonly id: ProjectId;
  readonly name: string;
  readonly notes: string;
  readonly created: number;
  readonly updated: number;
  readonly runCount: number;
}

export const RUN_KINDS = ['train', 'import'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** The run's lifecycle; 'interrupted' is set at open for runs whose process died while they were running. */
export const RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** The states a run never leaves. */
export const TERMINAL_RUN_STATES: readonly RunState[] = ['done', 'failed', 'cancelled', 'interrupted'];
export const isTerminalRunState = (state: RunState): boolean => TERMINAL_RUN_STATES.includes(state);

/** The backend that ran it: `name` plus whatever versions the host records (node/backend.ts BackendInfo). */
export type RunBackend = { readonly name: string } & Readonly<Record<string, unknown>>;

export interface RunError {
  readonly code: ErrorCode | null;
  readonly message: string;
}

/** A run without its config and backend (what summaries, events and tables key on). */
export interface RunListItem {
  readonly id: RunId;
  readonly projectId: ProjectId;
  readonly name: string;
  readonly kind: RunKind;
  readonly status: RunState;
  readonly seed: number | null;
  readonly created: number;
  readonly started: number | null;
  readonly finished: number | null;
  readonly error: RunError | null;
  /** RunSummary (core/train/train-run.ts) for training runs, as saved by the host. */
  readonly summary: Record<string, unknown> | null;
  readonly notes: string;
  readonly tags: readonly string[];
  /** The run this one was duplicated from ("run again with changes"), while it exists. */
  readonly sourceRunId: RunId | null;
}

/** The config each kind of run stores, complete (defaults filled) and validated before it was saved. */
export interface RunConfigs {
  readonly train: RunConfig;
  readonly import: ImportConfig;
}

/** A run of one kind with its typed config and the backend that ran it. */
export interface RunRecordOf<K extends RunKind> extends RunListItem {
  readonly kind: K;
  readonly config: RunConfigs[K];
  readonly backend: RunBackend | null;
}

/** A whole run, keyed on `kind`: narrowing on it types the config. */
export type RunRecord = { [K in RunKind]: RunRecordOf<K> }[RunKind];

/** Run states a blocked import can be resumed from (imports:resume): it ended without finishing its kernels. */
export const RESUMABLE_STATES: readonly RunState[] = ['cancelled', 'failed', 'interrupted'];

/** Whether imports:resume accepts the run: an import with a blocked (on-disk) kernel that ended unfinished. */
export function isResumableImport(run: Pick<RunRecord, 'kind' | 'status' | 'config'>): boolean {
  return run.kind === 'import' && (run.config as ImportConfig).blocked !== undefined && RESUMABLE_STATES.includes(run.status);
}
