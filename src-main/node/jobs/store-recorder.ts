// Records a training run into the workspace store as it goes: metric rows batched into one transaction about every
// 200 ms (never one commit per point), kernel snapshots as they come, and after each commit a notice to whoever
// streams the run live (so anything announced is already in the store for a late subscriber).
import type { MetricPointDto } from '../../contract/api';
import type { KernelSnapshot, MetricsRecord, RunStartInfo } from '../../core/train/train-types';
import type { Store } from '../store/store';
import { metricRowsFromRecord } from '../store/metrics-record';
import type { MetricRow, RunId } from '../store/types';

export interface RecorderListener {
  onPoints?(points: MetricPointDto[]): void;
  onKernel?(step: number): void;
}

export interface StoreRecorder {
  start(info: RunStartInfo): void;
  metrics(record: MetricsRecord): void;
  kernel(snapshot: KernelSnapshot, saveData: boolean): void;
  /** Commits the buffer when it is older than the flush interval (call it often, e.g. after every step). */
  tick(): void;
  /** Commits what is buffered and announces it. */
  flush(): void;
}

function toPoints(rows: readonly MetricRow[]): MetricPointDto[] {
  const byStep = new Map<number, { wallTime: number; values: Record<string, number | null> }>();
  for (const row of rows) {
    const entry = byStep.get(row.step) ?? { wallTime: row.wallTime, values: {} };
    entry.values[row.name] = Number.isFinite(row.value) ? row.value : null;
    byStep.set(row.step, entry);
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, e]) => ({ step, wallTime: e.wallTime, values: e.values }));
}

export function createStoreRecorder(store: Store, runId: RunId, listener: RecorderListener = {}, flushMs = 200): StoreRecorder {
  let tracked: readonly number[] = [];
  let pending: MetricRow[] = [];
  let lastFlush = Date.now();
  const flush = () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    store.metrics.append(runId, rows);
    lastFlush = Date.now();
    listener.onPoints?.(toPoints(rows));
  };
  return {
    start(info) {
      tracked = info.trackedSamples;
    },
    metrics(record) {
      pending.push(...metricRowsFromRecord(record, tracked));
      if (Date.now() - lastFlush >= flushMs) flush();
    },
    kernel(snapshot, saveData) {
      flush();
      store.kernels.put(runId, {
        step: snapshot.step,
        kind: snapshot.kind,
        rows: snapshot.rows,
        data: saveData ? snapshot.kernel : undefined,
        eigenvalues: snapshot.eigenvalues,
        sweep: snapshot.sweep,
      });
      listener.onKernel?.(snapshot.step);
    },
    tick() {
      if (Date.now() - lastFlush >= flushMs) flush();
    },
    flush,
  };
}
