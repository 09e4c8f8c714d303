// The store's records as plain data (they cross IPC and the web bridge as they are). Times are epoch milliseconds;
// ids are SQLite integer keys, unique within one workspace (a bundle import assigns new ones).
import type { KernelMode } from '../../contract/run-config-rules';

export { RUN_KINDS, RUN_STATES } from '../../contract/records';
export type { KernelMode } from '../../contract/run-config-rules';
export type { Project, ProjectId, RunBackend, RunError, RunId, RunKind, RunListItem, RunRecord, RunState } from '../../contract/records';

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

export interface KernelInput {
  readonly step: number;
  readonly kind: KernelMode;
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
  readonly kind: KernelMode;
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
