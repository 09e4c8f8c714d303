// The option of one metric chart: named series against step or log10 step (Fig. 1), LTTB-sampled to `maxPoints`,
// optionally EMA-smoothed with the raw curve faint behind, with reference marks such as the bound lambda_0/(2n^2).
// The run view's MetricChart and node/report both draw through it.
import type { ChartOption } from './chart-option';
import { samplePoints, type XMode, xOfSteps } from './chart-points';
import { colorAt, type LineSpec, lineChartOption, type MarkSpec } from './line-option';
import { ema } from './smoothing';

export interface MetricLine {
  readonly metric: string;
  readonly label: string;
  readonly color?: string;
}

/** A metric's columns as a chart reads them: the first `length` entries of steps and values (NaN for null). */
export interface MetricColumns {
  readonly steps: ArrayLike<number>;
  readonly values: Float64Array;
  readonly length: number;
}

export interface MetricChartSpec {
  readonly lines: readonly MetricLine[];
  readonly source: (name: string) => MetricColumns | undefined;
  readonly xMode: XMode;
  readonly yLog: boolean;
  readonly yName: string;
  readonly smoothing: number;
  /** Horizontal lines at y = value, vertical ones at a step (moved to log10 step with it). */
  readonly marks: readonly MarkSpec[];
  readonly maxPoints: number;
}

export function metricChartOption(spec: MetricChartSpec): ChartOption {
  const { maxPoints } = spec;
  const lines: LineSpec[] = [];
  for (const [index, entry] of spec.lines.entries()) {
    const line = { ...entry, color: entry.color ?? colorAt(index) };
    const buffer = spec.source(line.metric);
    if (!buffer || buffer.length === 0) continue;
    const x = xOfSteps(buffer.steps, buffer.length, spec.xMode);
    const columns = { t: buffer.steps, x, y: buffer.values, length: buffer.length };
    if (spec.smoothing > 0) {
      lines.push({ id: `${line.metric}:raw`, name: line.label, color: line.color, faint: true, points: samplePoints(columns, { yLog: spec.yLog, maxPoints }) });
      const smooth = ema(buffer.values.subarray(0, buffer.length), spec.smoothing);
      lines.push({ id: line.metric, name: line.label, color: line.color, points: samplePoints({ ...columns, y: smooth }, { yLog: spec.yLog, maxPoints }) });
    } else {
      lines.push({ id: line.metric, name: line.label, color: line.color, points: samplePoints(columns, { yLog: spec.yLog, maxPoints }) });
    }
  }
  const marks = spec.marks.map((m) => (m.axis === 'x' && spec.xMode === 'log10' ? { ...m, value: m.value > 0 ? Math.log10(m.value) : NaN } : m));
  return lineChartOption({ lines, marks, x: { name: spec.xMode === 'log10' ? 'log₁₀ step' : 'step' }, y: { name: spec.yName, log: spec.yLog } });
}
