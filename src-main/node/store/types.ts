// The store's records as plain data (they cross IPC and the web bridge as they are). Times are epoch milliseconds;
// ids are SQLite integer keys, unique within one workspace (a bundle import assigns new ones).
import type { ErrorCode } from '../../contract/result';

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

/** What run lists show: everything but the config and backend. */
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

export interface MetricRow {
  readonly step: number;
  /** Seconds since the run started (MetricsRecord.wallTime). */
  readonly wallTime: number;
  readonly name: string;
  /** NaN is stored as NULL and read back as NaN; -0 reads back as 0. */
  readonly value: number;
}

/** One metric as columns, ascending in step. */
export interface MetricSeries {
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
}

export type KernelKind = 'full' | 'trace';

export interface KernelInput {
  readonly step: number;
  readonly kind: KernelKind;
  readonly rows: number;
  /** Defaults to rows (kernels are square). */
  readonly cols?: number;
  /** Row-major [rows, cols], float64; omit to keep only the spectrum and sweep of this step. */
  readonly data?: Float64Array;
  readonly eigenvalues?: Float64Array;
  readonly sweep?: Float64Array;
}

export interface KernelInfo {
  readonly step: number;
  readonly kind: KernelKind;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: 'float64';
  readonly hasData: boolean;
}

export interface KernelRecord extends KernelInfo {
  readonly data?: Float64Array;
  readonly eigenvalues?: Float64Array;
  readonly sweep?: Float64Array;
}

export type ArtifactKind = 'params' | 'model' | 'other';

/** Bytes kept in the store, or a path to a file the store refers to but does not own (never deleted by it). */
export type ArtifactInput = {
  readonly name: string;
  readonly kind: ArtifactKind;
  readonly meta?: Record<string, unknown>;
} & ({ readonly bytes: Uint8Array; readonly path?: undefined } | { readonly path: string; readonly bytes?: undefined });

export interface ArtifactInfo {
  readonly name: string;
  readonly kind: ArtifactKind;
  readonly path: string | null;
  readonly size: number;
  readonly meta: Record<string, unknown>;
  readonly created: number;
}

export interface Artifact extends ArtifactInfo {
  /** The stored bytes; absent for a path artifact. */
  readonly bytes?: Uint8Array;
}
