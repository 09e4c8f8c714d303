// Lines of a mean over seeds with the seed spread as a band, against any x (width on log-log axes for the width
// sweeps, log10 t for drift in time), optionally with a fitted slope in the legend and reference marks such as the
// paper's bound lambda_0/(2n^2). The reproduction figures and the app draw through it (line-option.ts does the rest).
import type { ChartOption } from './chart-option';
import { formatNumber } from './format';
import { type AxisSpec, colorAt, type LineSpec, lineChartOption, type MarkSpec } from './line-option';

export interface BandPoint {
  readonly x: number;
  readonly mean: number;
  /** The spread's edges (e.g. min and max over seeds); equal to mean for one seed. */
  readonly lower: number;
  readonly upper: number;
}

export interface BandSeries {
  readonly id: string;
  readonly name: string;
  readonly points: readonly BandPoint[];
  readonly color?: string;
  /** Fitted slope shown in the legend as "name (slope s)". */
  readonly slope?: number;
  readonly dashed?: boolean;
  readonly symbols?: boolean;
}

export interface BandLinesSpec {
  readonly series: readonly BandSeries[];
  readonly x: AxisSpec;
  readonly y: AxisSpec;
  readonly marks?: readonly MarkSpec[];
}

/** The legend name of a series: its name, with the fitted slope when there is one. */
export function bandSeriesName(series: BandSeries): string {
  return series.slope !== undefined && Number.isFinite(series.slope) ? `${series.name} (slope ${formatNumber(series.slope, 3)})` : series.name;
}

function usable(p: BandPoint, spec: BandLinesSpec): boolean {
  if (!Number.isFinite(p.x) || !Number.isFinite(p.mean)) return false;
  if (spec.x.log && p.x <= 0) return false;
  return !(spec.y.log && p.mean <= 0);
}

export function bandLinesOption(spec: BandLinesSpec): ChartOption {
  const lines: LineSpec[] = [];
  spec.series.forEach((s, i) => {
    const color = s.color ?? colorAt(i);
    const name = bandSeriesName(s);
    const points = [...s.points].filter((p) => usable(p, spec)).sort((a, b) => a.x - b.x);
    lines.push({ id: s.id, name, color, dashed: s.dashed, symbols: s.symbols ?? points.length <= 12, points: points.map((p) => [p.x, p.mean]) });
    // A band only where the spread is visible and drawable (its lower edge positive on a log axis).
    const banded = points.filter((p) => Number.isFinite(p.lower) && Number.isFinite(p.upper) && p.upper > p.lower && (!spec.y.log || p.lower > 0));
    if (banded.length > 1) {
      lines.push({ id: `${s.id}:lower`, name, color, stack: `band-${s.id}`, points: banded.map((p) => [p.x, p.lower]) });
      lines.push({ id: `${s.id}:band`, name, color, stack: `band-${s.id}`, fill: true, points: banded.map((p) => [p.x, p.upper - p.lower]) });
    }
  });
  return lineChartOption({ lines, x: spec.x, y: spec.y, marks: spec.marks, legend: true });
}
