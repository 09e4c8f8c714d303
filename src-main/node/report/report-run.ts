// A run as the report engine reads it, from the workspace store or from a run folder (`train --out`, `drift --run`):
// its record, metric columns, kernel snapshots and parameters behind one read-only interface. Nothing here writes.
import type { ParamSet } from '../../core/models/params';
import type { RunError, RunKind } from '../../contract/records';
import type { KernelInfo, KernelMode, KernelRecord, MetricSeries } from '../store/types';

export type ReportOrigin =
  | { readonly kind: 'store'; readonly workspace: string; readonly project: string }
  | { readonly kind: 'folder'; readonly dir: string };

export interface ReportRun {
  /** Store id, or null for a run folder. */
  readonly id: number | null;
  readonly name: string;
  readonly kind: RunKind;
  /** The store's status, or 'done' / 'partial' for a folder (done once summary.json exists). */
  readonly status: string;
  /** Still running, queued or interrupted: a report shows what is committed and says so. */
  readonly partial: boolean;
  readonly config: Record<string, unknown>;
  readonly backend: Record<string, unknown> | null;
  readonly summary: Record<string, unknown>;
  readonly notes: string;
  readonly tags: readonly string[];
  readonly created: number | null;
  readonly finished: number | null;
  readonly error: RunError | null;
  readonly origin: ReportOrigin;
  metrics(): Record<string, MetricSeries>;
  kernelList(): KernelInfo[];
  kernel(step: number, kind: KernelMode): KernelRecord | undefined;
  params(which: 'initial' | 'final'): ParamSet | undefined;
}

/** The run's label in reports and file names: its name, else "run <id>". */
export const runLabel = (run: ReportRun): string => run.name || (run.id !== null ? `run ${run.id}` : 'run');

/** A file-name-safe form of the label. */
export const runSlug = (run: ReportRun): string =>
  runLabel(run)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'run';
