// Readings of a run's metric columns that the reproduction experiments share: the value at a step, the first step a
// series reaches a level, late-phase fits against log10 t, mean |f_t| over the tracked outputs, seed spreads, and the
// circle-data base config every circle experiment starts from.
import { formatNumber } from '../../charts/format';
import type { BandPoint } from '../../charts/band-lines-option';
import { parseSampleMetric } from '../../contract/metric-names';
import { type LinearFit, linearFit, powerLawFit } from '../../core/linalg/linear-fit';
import type { ReportRun } from '../report/report-run';
import type { MetricSeries } from '../store/types';
import type { ReproduceOptions } from './experiment';

/** The value recorded at the last step <= `step` (NaN when none). */
export function valueAt(series: MetricSeries | undefined, step: number): number {
  if (!series) return NaN;
  let value = NaN;
  for (let i = 0; i < series.steps.length && series.steps[i] <= step; i++) if (Number.isFinite(series.values[i])) value = series.values[i];
  return value;
}

export function lastValue(series: MetricSeries | undefined): number {
  if (!series) return NaN;
  for (let i = series.values.length - 1; i >= 0; i--) if (Number.isFinite(series.values[i])) return series.values[i];
  return NaN;
}

/** The first recorded step whose value is >= level, or null when it never is. */
export function firstReach(series: MetricSeries | undefined, level: number): number | null {
  if (!series) return null;
  for (let i = 0; i < series.steps.length; i++) if (series.values[i] >= level) return series.steps[i];
  return null;
}

/** The recorded points with from <= step <= to. */
export function window(series: MetricSeries | undefined, from: number, to = Infinity): { steps: number[]; values: number[] } {
  const steps: number[] = [];
  const values: number[] = [];
  if (!series) return { steps, values };
  for (let i = 0; i < series.steps.length; i++) {
    const s = series.steps[i];
    if (s >= from && s <= to && s > 0 && Number.isFinite(series.values[i])) {
      steps.push(s);
      values.push(series.values[i]);
    }
  }
  return { steps, values };
}

/** y against log10 t over steps >= from: "grows linearly in log t" is a slope > 0 with R^2 near 1. */
export function logTimeFit(series: MetricSeries | undefined, from: number): LinearFit {
  const w = window(series, from);
  return linearFit(w.steps.map(Math.log10), w.values);
}

/** The exponent p of y ~ t^p over [from, to] (drift growth in time). */
export function timeExponent(series: MetricSeries | undefined, from: number, to = Infinity): LinearFit {
  const w = window(series, from, to);
  return powerLawFit(w.steps, w.values);
}

/** The late phase of a run of T steps, where the paper's asymptotics apply: the last 1.5 decades (t >= T / 30). */
export const latePhaseStart = (steps: number): number => Math.max(1, Math.floor(steps / 30));

/** mean_i |f_t(x_i)| over every tracked output, as one series. */
export function meanAbsOutputs(metrics: Record<string, MetricSeries>): MetricSeries | undefined {
  const outputs = Object.entries(metrics).filter(([name]) => parseSampleMetric(name)?.kind === 'outputs');
  if (outputs.length === 0) return undefined;
  const first = outputs[0][1];
  const values = Float64Array.from(first.steps, (_, i) => outputs.reduce((sum, [, s]) => sum + Math.abs(s.values[i]), 0) / outputs.length);
  return { steps: first.steps, wallTimes: first.wallTimes, values };
}

/** Mean and min/max of a group of values (the seeds of one configuration). */
export function spread(values: readonly number[]): { mean: number; lower: number; upper: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: NaN, lower: NaN, upper: NaN };
  return { mean: finite.reduce((a, b) => a + b, 0) / finite.length, lower: Math.min(...finite), upper: Math.max(...finite) };
}

export const bandPoint = (x: number, values: readonly number[]): BandPoint => ({ x, ...spread(values) });

/** A number for tables: a few significant digits, '—' for NaN or missing. */
export const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : formatNumber(v, digits));

/** "mean [min, max]" of the seeds, or the one value. */
export function fmtSpread(values: readonly number[], digits = 3): string {
  const s = spread(values);
  const finite = values.filter(Number.isFinite).length;
  // Seeds without a value (a level never reached) are counted, not averaged in.
  const missing = finite < values.length && finite > 0 ? ` (${finite} of ${values.length} seeds)` : '';
  if (finite <= 1 || s.lower === s.upper) return `${fmt(s.mean, digits)}${missing}`;
  return `${fmt(s.mean, digits)} [${fmt(s.lower, digits)}, ${fmt(s.upper, digits)}]${missing}`;
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/**
 * The six circle points of Fig. 1 (x_i = (cos i pi/3, sin i pi/3), labels 0,1,0,1,0,1), the FCN of eq. 2.1 with the
 * options' depth and bias, full-batch GD; each experiment sets width, steps, loss and what it logs.
 */
export function circleBase(options: ReproduceOptions, lr = 0.1): Record<string, unknown> {
  return {
    model: { arch: 'fcn', depth: options.depth, width: 256, bias: options.bias },
    loss: { kind: 'bce', reduction: options.reduction, targets: 'plus-minus' },
    optimizer: { kind: 'gd', lr },
    data: { kind: 'circle', n: 6, labels: 'alternating' },
    ntk: { kernel: 'full', implementation: 'structured', analytic: 'derived', circleSweep: 0 },
  };
}

/** Step count of a run: the reduced override when given, else the scale's. */
export const stepsFor = (options: ReproduceOptions, small: number, paper: number): number => options.steps ?? (options.scale === 'paper' ? paper : small);
export const widthsFor = (options: ReproduceOptions, small: readonly number[], paper: readonly number[]): number[] => [...(options.widths ?? (options.scale === 'paper' ? paper : small))];
export const seedsFor = (options: ReproduceOptions, small: readonly number[], paper: readonly number[]): number[] => [...(options.seeds ?? (options.scale === 'paper' ? paper : small))];

/** The circle sweep K_t((1,0), (cos phi, sin phi)) a run recorded at `step`, if any. */
export function sweepAt(run: ReportRun, step: number): Float64Array | undefined {
  const info = run.kernelList().find((k) => k.step === step);
  return info ? run.kernel(step, info.kind)?.sweep : undefined;
}

/** The analytic kernel on the circle sweep, recorded with the run. */
export const sweepAnalytic = (run: ReportRun): number[] | undefined => (Array.isArray(run.summary.sweepAnalytic) ? (run.summary.sweepAnalytic as number[]) : undefined);

/** max_j |a_j - b_j|. */
export function maxAbsGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < Math.min(a.length, b.length); j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}
