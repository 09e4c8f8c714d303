// The compare view's summary table: one row per run, the config paths the runs differ in and their summary values
// as columns (what a parallel-coordinates view shows, readable exactly), sortable by any column.
import { formatNumber } from './format';

export interface SummaryTableRun {
  readonly id: number;
  readonly label: string;
  readonly color: string;
  /** Flat config (config-paths.ts flattenConfig). */
  readonly config: Readonly<Record<string, string>>;
  readonly summary: Readonly<Record<string, unknown>> | null;
}

export interface SummaryColumn {
  /** `config:<path>` or `summary:<key>`. */
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
}

export interface SummaryRow {
  readonly id: number;
  readonly label: string;
  readonly color: string;
  readonly cells: readonly string[];
  /** Per column: the number to sort by, or the text; null when empty. */
  readonly values: readonly (number | string | null)[];
}

function valueOf(run: SummaryTableRun, key: string): number | string | null {
  if (key.startsWith('config:')) {
    const text = run.config[key.slice(7)];
    if (text === undefined) return null;
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? n : text;
  }
  const v = run.summary?.[key.slice(8)];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Columns: each differing config path, then each summary field; rows in run order, or sorted by a column (empty last). */
export function summaryTable(
  runs: readonly SummaryTableRun[],
  paths: readonly string[],
  fields: readonly { key: string; label: string }[],
  sort?: { key: string; descending: boolean },
): { columns: SummaryColumn[]; rows: SummaryRow[] } {
  const columns: SummaryColumn[] = [
    ...paths.map((p) => ({ key: `config:${p}`, label: p, numeric: runs.every((r) => typeof valueOf(r, `config:${p}`) !== 'string') })),
    ...fields.map((f) => ({ key: `summary:${f.key}`, label: f.label, numeric: true })),
  ];
  const rows = runs.map((run) => {
    const values = columns.map((c) => valueOf(run, c.key));
    return { id: run.id, label: run.label, color: run.color, values, cells: values.map((v) => (v === null ? '—' : typeof v === 'number' ? formatNumber(v, 5) : v)) };
  });
  const at = sort ? columns.findIndex((c) => c.key === sort.key) : -1;
  if (at >= 0) {
    const sign = sort!.descending ? -1 : 1;
    rows.sort((a, b) => {
      const [va, vb] = [a.values[at], b.values[at]];
      if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return sign * c || a.id - b.id;
    });
  }
  return { columns, rows };
}
