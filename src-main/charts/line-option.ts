// Builds the ECharts option of a line chart from plain specs: lines (raw faint, smoothed solid, bands), axes
// (linear or log), horizontal reference lines drawn as series (so the axis range includes them and the legend
// names them) and vertical markers. Pure: the components only choose what to draw.
import type { ChartOption, ChartSeries } from './chart-option';
import { formatNumber } from './format';

export interface LineSpec {
  readonly id: string;
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color?: string;
  /** Drawn thin and transparent behind its smoothed twin, and left out of the legend and tooltip. */
  readonly faint?: boolean;
  readonly dashed?: boolean;
  /** A band: `stack` pairs its lower edge (no fill) with the filled width above it; both edges are invisible. */
  readonly stack?: string;
  readonly fill?: boolean;
  readonly symbols?: boolean;
}

export interface AxisSpec {
  readonly name: string;
  readonly log?: boolean;
  /** An angle axis over [-pi, pi] with ticks at multiples of pi/2 (the circle sweep). */
  readonly angle?: boolean;
}

const PI_LABELS: Readonly<Record<string, string>> = { '-2': '−π', '-1': '−π/2', '0': '0', '1': 'π/2', '2': 'π' };

function angleLabel(v: number): string {
  return PI_LABELS[String(Math.round(v / (Math.PI / 2)))] ?? formatNumber(v, 3);
}

export interface MarkSpec {
  readonly axis: 'x' | 'y';
  readonly value: number;
  readonly label: string;
  readonly color?: string;
}

export interface LineChartSpec {
  readonly lines: readonly LineSpec[];
  readonly x: AxisSpec;
  readonly y: AxisSpec;
  readonly marks?: readonly MarkSpec[];
  readonly legend?: boolean;
}

const MARK_COLOR = '#d6336c';

/** Line colours (Tableau 10): distinct on light and dark backgrounds; raw and smoothed twins share one. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export const colorAt = (i: number): string => PALETTE[i % PALETTE.length];

function xExtent(lines: readonly LineSpec[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const line of lines) {
    for (const [x] of line.points) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

export function lineSeries(spec: LineChartSpec): ChartSeries[] {
  const series: ChartSeries[] = spec.lines.map((line, index) => ({
    type: 'line',
    id: line.id,
    name: line.name,
    data: line.points as [number, number][],
    showSymbol: line.symbols ?? false,
    symbolSize: 5,
    sampling: undefined,
    animation: false,
    silent: line.faint ?? false,
    color: line.color ?? colorAt(index),
    lineStyle: { width: line.faint ? 1 : 1.75, opacity: line.stack ? 0 : line.faint ? 0.28 : 1, type: line.dashed ? 'dashed' : 'solid' },
    ...(line.stack ? { stack: line.stack, stackStrategy: 'all' as const } : {}),
    ...(line.fill ? { areaStyle: { opacity: 0.18 } } : {}),
    ...(line.faint || line.stack ? { tooltip: { show: false } } : {}),
    emphasis: { disabled: true },
  }));
  const extent = xExtent(spec.lines);
  const marks = spec.marks ?? [];
  for (const [i, mark] of marks.entries()) {
    if (mark.axis !== 'y' || !extent || !Number.isFinite(mark.value) || (spec.y.log && mark.value <= 0)) continue;
    series.push({
      type: 'line',
      id: `mark-y-${i}`,
      name: mark.label,
      data: [
        [extent[0], mark.value],
        [extent[1], mark.value],
      ],
      showSymbol: false,
      animation: false,
      color: mark.color ?? MARK_COLOR,
      lineStyle: { type: 'dashed', width: 1.5 },
      emphasis: { disabled: true },
    });
  }
  const vertical = marks.filter((m) => m.axis === 'x' && Number.isFinite(m.value));
  if (vertical.length > 0) {
    series.push({
      type: 'line',
      id: 'mark-x',
      name: vertical.map((m) => m.label).join(', '),
      data: [],
      animation: false,
      color: vertical[0].color ?? MARK_COLOR,
      markLine: {
        silent: true,
        symbol: 'none',
        animation: false,
        lineStyle: { type: 'dotted', width: 1.5 },
        label: { formatter: '{b}', position: 'insideEndTop' },
        data: vertical.map((m) => ({ xAxis: m.value, name: m.label })),
      },
    });
  }
  return series;
}

export function lineChartOption(spec: LineChartSpec): ChartOption {
  const legend = spec.legend ?? spec.lines.filter((l) => !l.faint && !l.stack).length + (spec.marks ?? []).filter((m) => m.axis === 'y').length > 1;
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 12, right: 20, top: legend ? 40 : 28, bottom: 36, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: legend ? { type: 'scroll', top: 0, left: 0, right: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 4, textStyle: { fontSize: 11 } } : { show: false },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'line', snap: true },
      valueFormatter: (v) => (typeof v === 'number' ? formatNumber(v) : String(v)),
    },
    xAxis: {
      type: spec.x.log ? 'log' : 'value',
      name: spec.x.name,
      nameLocation: 'middle',
      nameGap: 24,
      scale: true,
      ...(spec.x.angle ? { min: -Math.PI, max: Math.PI, interval: Math.PI / 2 } : {}),
      axisLine: { onZero: false },
      axisLabel: { hideOverlap: true, formatter: spec.x.angle ? angleLabel : (v: number) => formatNumber(v, 3) },
      splitLine: { show: false },
    },
    yAxis: {
      type: spec.y.log ? 'log' : 'value',
      name: spec.y.name,
      nameLocation: 'end',
      nameGap: 10,
      nameTextStyle: { align: 'left' },
      scale: !spec.y.log,
      axisLine: { onZero: false },
      axisLabel: { hideOverlap: true, formatter: (v: number) => formatNumber(v, 3) },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseWheel: false, moveOnMouseMove: true }],
    series: lineSeries(spec),
  };
}
