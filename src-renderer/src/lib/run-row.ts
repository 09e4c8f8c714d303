// A run as one row of the Project view's table: the columns researchers scan (architecture, width, loss, lr, final
// loss and drift), read from the list item, its config and its summary; with sorting, filtering and CSV export.
import type { RunListItem, RunRecord } from '../../../src-main/contract/records';
import type { RunConfig } from '../../../src-main/contract/run-config';
import { formatDate } from '../../../src-main/charts/format';
import { csvField } from '../../../src-main/charts/plotted-csv';

export interface RunRow {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly arch: string;
  /** One width, or the per-layer widths joined with "-". */
  readonly width: string;
  readonly widthValue: number;
  readonly depth: number | null;
  readonly loss: string;
  readonly lr: number | null;
  /** Training steps, or for an import the checkpoints (`stepsUnit` says which). */
  readonly steps: number | null;
  readonly stepsDone: number | null;
  readonly stepsUnit: 'steps' | 'checkpoints';
  readonly backend: string;
  readonly finalLoss: number | null;
  readonly finalDrift: number | null;
  readonly tags: readonly string[];
  readonly created: number;
  /** The run this one was run again from (lineage), while it exists. */
  readonly sourceRunId: number | null;
}

export type SortKey = Exclude<keyof RunRow, 'tags' | 'stepsUnit' | 'sourceRunId'>;

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * An import (ONNX checkpoint series) in the same columns: arch "onnx", steps = checkpoints given and done, final
 * drift = the last checkpoint's relative kernel drift; the training-only columns stay empty.
 */
function importRow(item: RunListItem, record?: RunRecord): RunRow {
  const models = record?.kind === 'import' ? record.config.models : undefined;
  const summary = item.summary ?? {};
  return {
    id: item.id,
    name: item.name,
    status: item.status,
    arch: 'onnx',
    width: '',
    widthValue: NaN,
    depth: null,
    loss: '',
    lr: null,
    steps: Array.isArray(models) ? models.length : null,
    stepsDone: numberOrNull(summary.checkpoints),
    stepsUnit: 'checkpoints',
    backend: typeof record?.backend?.name === 'string' ? record.backend.name : '',
    finalLoss: null,
    finalDrift: numberOrNull(summary.finalRelDrift),
    tags: item.tags,
    created: item.created,
    sourceRunId: item.sourceRunId,
  };
}

export function runRow(item: RunListItem, record?: RunRecord): RunRow {
  if (item.kind === 'import') return importRow(item, record);
  const config: Partial<RunConfig> = record?.kind === 'train' ? record.config : {};
  const widths = config.model?.widths;
  const summary = item.summary ?? {};
  return {
    id: item.id,
    name: item.name,
    status: item.status,
    arch: config.model?.arch ?? '',
    width: widths ? widths.join('-') : config.model?.width !== undefined ? String(config.model.width) : '',
    widthValue: widths ? Math.max(...widths) : (config.model?.width ?? NaN),
    depth: config.model?.depth ?? null,
    loss: config.loss?.kind ?? '',
    lr: config.optimizer?.lr ?? null,
    steps: config.steps ?? null,
    stepsDone: numberOrNull(summary.stepsDone),
    stepsUnit: 'steps',
    backend: typeof record?.backend?.name === 'string' ? record.backend.name : '',
    finalLoss: numberOrNull(summary.finalLoss),
    finalDrift: numberOrNull(summary.finalRelDrift),
    tags: item.tags,
    created: item.created,
    sourceRunId: item.sourceRunId,
  };
}

function sortValue(row: RunRow, key: SortKey): number | string | null {
  const v = key === 'width' ? row.widthValue : row[key];
  return v === null || v === '' || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
}

/** Empty cells sort last in either direction, so the rows with data stay together; ties go by id. */
export function sortRows(rows: readonly RunRow[], key: SortKey, descending: boolean): RunRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return sign * c || a.id - b.id;
  });
}

/**
 * Filter text: words must all match (case-insensitive) somewhere in the row; `field:value` matches one column
 * (`status:done`, `loss:mse`, `tag:sweep`, `width:256`).
 */
export function matchesFilter(row: RunRow, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const text = [row.id, row.name, row.status, row.arch, row.width, row.loss, row.backend, ...row.tags].join(' ').toLowerCase();
  return words.every((word) => {
    const field = /^(\w+):(.+)$/.exec(word);
    if (!field) return text.includes(word);
    const [, key, value] = field;
    if (key === 'tag') return row.tags.some((t) => t.toLowerCase() === value);
    const cell = (row as unknown as Record<string, unknown>)[key];
    return cell !== undefined && String(cell).toLowerCase() === value;
  });
}

const csvCell = (v: unknown): string => csvField(v === null || v === undefined ? '' : String(v));

export function rowsToCsv(rows: readonly RunRow[]): string {
  const header = ['id', 'name', 'status', 'arch', 'width', 'depth', 'loss', 'lr', 'steps', 'backend', 'final_loss', 'final_rel_drift', 'tags', 'created', 'from_run'];
  const lines = rows.map((r) =>
    [r.id, r.name, r.status, r.arch, r.width, r.depth, r.loss, r.lr, r.steps, r.backend, r.finalLoss, r.finalDrift, r.tags.join(' '), formatDate(r.created), r.sourceRunId].map(csvCell).join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
