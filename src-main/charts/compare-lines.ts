// The lines of the Compare view, as plain LineSpecs: one per run, or per group of runs (a config value, seeds
// averaged) as the mean with a band; x is the step, log10 step or another metric at the same step. Also the
// summary-versus-config points (e.g. sup_t max|K_t - K| against width, per loss) of the paper's contrast.
import { colorAt, type LineSpec } from './line-option';
import { sampleIndices, type XMode, xOfSteps } from './chart-points';
import { groupStats } from './group-stats';
import type { SeriesBuffer } from './series-buffer';
import { ema } from './smoothing';

export type CompareX = XMode | 'metric';

export interface CompareRun {
  readonly id: number;
  readonly label: string;
  /** The group key (a config value) when grouping. */
  readonly group: string;
  /** Its colour when drawn on its own (the run list shows the same swatch). */
  readonly color?: string;
  readonly y: SeriesBuffer | undefined;
  /** The x metric, when x is a metric. */
  readonly x?: SeriesBuffer;
}

export interface CompareOptions {
  readonly xMode: CompareX;
  readonly yLog: boolean;
  readonly smoothing: number;
  readonly grouped: boolean;
  readonly band: 'sd' | 'range';
  readonly maxPoints: number;
}

const pick = (indices: readonly number[], x: ArrayLike<number>, y: ArrayLike<number>): [number, number][] => indices.map((i) => [x[i], y[i]]);

function runLines(run: CompareRun, color: string, options: CompareOptions): LineSpec[] {
  const y = run.y;
  if (!y || y.length === 0) return [];
  const steps = y.steps.subarray(0, y.length);
  const values = y.values.subarray(0, y.length);
  const x = options.xMode === 'metric' ? Float64Array.from(steps, (s) => run.x?.valueAt(s) ?? NaN) : xOfSteps(steps, y.length, options.xMode);
  const sample = (column: ArrayLike<number>) => sampleIndices({ t: steps, x, y: column, length: y.length }, { yLog: options.yLog, maxPoints: options.maxPoints });
  if (options.smoothing <= 0) return [{ id: `run-${run.id}`, name: run.label, color, points: pick(sample(values), x, values) }];
  const smooth = ema(values, options.smoothing);
  return [
    { id: `run-${run.id}:raw`, name: run.label, color, faint: true, points: pick(sample(values), x, values) },
    { id: `run-${run.id}`, name: run.label, color, points: pick(sample(smooth), x, smooth) },
  ];
}

function groupLines(group: string, runs: readonly CompareRun[], color: string, options: CompareOptions): LineSpec[] {
  const columns = runs.flatMap((r) => (r.y && r.y.length > 0 ? [{ steps: r.y.steps, values: r.y.values, length: r.y.length }] : []));
  if (columns.length === 0) return [];
  const stats = groupStats(columns, options.band);
  const smooth = (a: Float64Array) => (options.smoothing > 0 ? ema(a, options.smoothing) : a);
  const mean = smooth(stats.mean);
  const upper = smooth(stats.upper);
  let lower = smooth(stats.lower);
  if (options.yLog) {
    // A log axis cannot draw mean - sd below zero: the band then stops at the group's smallest value.
    const low = groupStats(columns, 'range').lower;
    lower = lower.map((v, i) => (v > 0 ? v : low[i]));
  }
  const x = xOfSteps(stats.steps, stats.steps.length, options.xMode === 'metric' ? 'step' : options.xMode);
  const indices = sampleIndices({ t: stats.steps, x, y: mean, length: mean.length }, { yLog: options.yLog, maxPoints: options.maxPoints });
  const label = `${group} (n=${columns.length})`;
  const lines: LineSpec[] = [{ id: `group-${group}`, name: label, color, points: pick(indices, x, mean) }];
  if (columns.length > 1) {
    const width = upper.map((u, i) => u - lower[i]);
    const usable = indices.filter((i) => Number.isFinite(lower[i]) && Number.isFinite(width[i]) && (!options.yLog || lower[i] > 0));
    lines.push({ id: `group-${group}:lower`, name: label, color, stack: `band-${group}`, points: pick(usable, x, lower) });
    lines.push({ id: `group-${group}:band`, name: label, color, stack: `band-${group}`, fill: true, points: pick(usable, x, width) });
  }
  return lines;
}

export function compareLines(runs: readonly CompareRun[], options: CompareOptions): LineSpec[] {
  if (!options.grouped || options.xMode === 'metric') return runs.flatMap((run, i) => runLines(run, run.color ?? colorAt(i), options));
  const groups = new Map<string, CompareRun[]>();
  for (const run of runs) groups.set(run.group, [...(groups.get(run.group) ?? []), run]);
  return [...groups.entries()].flatMap(([group, members], i) => groupLines(group, members, colorAt(i), options));
}

export interface SummaryPoint {
  readonly x: number;
  readonly y: number;
  readonly bound?: number;
  readonly series: string;
}

/** The categories of a non-numeric config field, in a stable order: x = index in this list. */
export function summaryCategories(values: readonly unknown[]): string[] {
  return [...new Set(values.map((v) => String(v ?? '∅')))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Per series, the runs' summary against x (numeric, or a category index with `categorical`: markers only, the seed spread visible). */
export function summaryLines(points: readonly SummaryPoint[], options: { xLog: boolean; yLog: boolean; showBound: boolean; categorical?: boolean }): LineSpec[] {
  const bySeries = new Map<string, SummaryPoint[]>();
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (options.xLog && p.x <= 0) || (options.yLog && p.y <= 0)) continue;
    bySeries.set(p.series, [...(bySeries.get(p.series) ?? []), p]);
  }
  const lines: LineSpec[] = [];
  [...bySeries.entries()].forEach(([series, list], i) => {
    const sorted = [...list].sort((a, b) => a.x - b.x);
    lines.push({ id: `summary-${series}`, name: series, color: colorAt(i), symbols: true, pointsOnly: options.categorical, points: sorted.map((p) => [p.x, p.y]) });
    const bounds = sorted.filter((p) => p.bound !== undefined && Number.isFinite(p.bound) && (!options.yLog || (p.bound ?? 0) > 0));
    if (options.showBound && bounds.length > 0) {
      // A bound at one x is a single point: drawn as a marker, since a dashed line through one point has no length.
      const single = new Set(bounds.map((p) => p.x)).size < 2;
      lines.push({ id: `bound-${series}`, name: `${series}: bound λ₀/(2n²)`, color: colorAt(i), dashed: true, symbols: single, pointsOnly: options.categorical, points: bounds.map((p) => [p.x, p.bound as number]) });
    }
  });
  return lines;
}
