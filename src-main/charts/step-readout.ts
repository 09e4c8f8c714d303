// The step readout under a synced chart cursor: every metric's value at the logged step nearest the cursor, so a
// researcher reads exact numbers at one step across all panels (TensorBoard's and Aim's hover table).
import { formatNumber } from './format';
import type { MetricColumns } from './metric-option';

export interface ReadoutEntry {
  readonly label: string;
  readonly columns: MetricColumns | undefined;
  readonly color?: string;
}

export interface ReadoutRow {
  readonly label: string;
  /** The logged step the value is from (nearest to the cursor in this series). */
  readonly step: number;
  readonly value: string;
  readonly color?: string;
}

export interface StepReadout {
  /** The logged step nearest the cursor over all series (the one most rows show). */
  readonly step: number;
  readonly rows: readonly ReadoutRow[];
}

/** Index of the logged step nearest `step` in ascending `steps` (first `length` entries); -1 when empty. Ties go to the earlier step. */
export function nearestStepIndex(steps: ArrayLike<number>, length: number, step: number): number {
  if (length === 0 || !Number.isFinite(step)) return -1;
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && step - steps[lo - 1] <= steps[lo] - step ? lo - 1 : lo;
}

/** Each entry's value at its logged step nearest `step`; entries without points are left out. Null when none has any. */
export function stepReadout(step: number, entries: readonly ReadoutEntry[]): StepReadout | null {
  const rows: ReadoutRow[] = [];
  let best = NaN;
  for (const entry of entries) {
    const columns = entry.columns;
    if (!columns) continue;
    const i = nearestStepIndex(columns.steps, columns.length, step);
    if (i < 0) continue;
    const at = columns.steps[i];
    if (Number.isNaN(best) || Math.abs(at - step) < Math.abs(best - step)) best = at;
    rows.push({ label: entry.label, step: at, value: formatNumber(columns.values[i], 5), ...(entry.color ? { color: entry.color } : {}) });
  }
  return rows.length > 0 ? { step: best, rows } : null;
}
