// Turns metric columns into the [x, y] pairs a chart draws: drops what the axes cannot show (non-finite values,
// non-positive ones on log axes), then LTTB-samples to about the chart's pixel width.
import { lttbIndices } from './lttb';
import type { XMeaning } from './tooltip';

/** The step axis: linear, log10 step (Fig. 1; step 0 has no place), or log10(1 + t) (step 0 at 0, sparse checkpoints spread). */
export type XMode = 'step' | 'log10' | 'log1p';

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

/** x of a step under an x mode: the step, log10(step) as Fig. 1 plots it (step 0 becomes NaN and is dropped), or log10(1 + step). */
export function xOfStep(step: number, mode: XMode): number {
  if (mode === 'log10') return step > 0 ? Math.log10(step) : NaN;
  if (mode === 'log1p') return step >= 0 ? Math.log10(1 + step) : NaN;
  return step;
}

/** The step at x under an x mode (the inverse of xOfStep), for a cursor placed on the chart. */
export function stepOfX(x: number, mode: XMode): number {
  if (mode === 'log10') return 10 ** x;
  if (mode === 'log1p') return 10 ** x - 1;
  return x;
}

export function xOfSteps(steps: ArrayLike<number>, length: number, mode: XMode): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = xOfStep(steps[i], mode);
  return out;
}

/** The x axis of a step mode: its name and what the tooltip says of x. */
export function stepAxis(mode: XMode): { name: string; meaning: XMeaning } {
  if (mode === 'log10') return { name: 'log₁₀ step', meaning: 'log10-step' };
  if (mode === 'log1p') return { name: 'log₁₀(1 + step)', meaning: 'log1p-step' };
  return { name: 'step', meaning: 'step' };
}
