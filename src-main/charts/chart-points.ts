// Turns metric columns into the [x, y] pairs a chart draws: drops what the axes cannot show (non-finite values,
// non-positive ones on log axes), then LTTB-samples to about the chart's pixel width.
import { lttbIndices } from './lttb';

export type XMode = 'step' | 'log10';

export interface PlotColumns {
  /** Order of the points (the step); LTTB buckets along it, so a parametric x (another metric) keeps its shape too. */
  readonly t: ArrayLike<number>;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly length: number;
}

export interface SampleOptions {
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  readonly maxPoints: number;
}

/** Indices of the points worth drawing: finite (positive on log axes), then LTTB-sampled along `t`. */
export function sampleIndices(columns: PlotColumns, options: SampleOptions): number[] {
  const keep: number[] = [];
  for (let i = 0; i < columns.length; i++) {
    const x = columns.x[i];
    const y = columns.y[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if ((options.yLog && y <= 0) || (options.xLog && x <= 0)) continue;
    keep.push(i);
  }
  const t = Float64Array.from(keep, (i) => columns.t[i]);
  // Sample in the space the axis draws, so a log axis keeps the features one actually sees.
  const y = Float64Array.from(keep, (i) => (options.yLog ? Math.log10(columns.y[i]) : columns.y[i]));
  return Array.from(lttbIndices(t, y, keep.length, options.maxPoints), (k) => keep[k]);
}

export function samplePoints(columns: PlotColumns, options: SampleOptions): [number, number][] {
  return sampleIndices(columns, options).map((i) => [columns.x[i], columns.y[i]]);
}

/** x of each step under an x mode: the step itself, or log10(step) as Fig. 1 plots it (step 0 becomes NaN and is dropped). */
export function xOfSteps(steps: ArrayLike<number>, length: number, mode: XMode): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = mode === 'log10' ? (steps[i] > 0 ? Math.log10(steps[i]) : NaN) : steps[i];
  return out;
}
