// Projects and runs as plain data: what the store returns and what crosses IPC and the web bridge unchanged.
// Times are epoch milliseconds; ids are SQLite integer keys, unique within one workspace.
import type { ErrorCode } from './result';

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

export const RUN_KINDS = ['train', 'import', 'analytic'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** The run's lifecycle; 'interrupted' is set at open for runs whose process died while they were running. */
export const RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

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

export interface RunRecord extends RunListItem {
  /** A RunConfig for training runs (validated when saved); kind-specific plain data otherwise. */
  readonly config: Record<string, unknown>;
  readonly backend: RunBackend | null;
}
