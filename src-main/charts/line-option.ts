// Builds the ECharts option of a line chart from plain specs: lines (raw faint, smoothed solid, bands), axes
// (linear or log), horizontal reference lines drawn as series (so the axis range includes them and the legend
// names them) and vertical markers. Pure: the components only choose what to draw.
import type { ChartOption, ChartSeries } from './chart-option';
import { formatNumber, formatTick } from './format';
import { lineTooltipContent, type TooltipParam, tooltipNodes, type XMeaning } from './tooltip';

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
  /** Markers only, no connecting line (runs spread over the categories of a config field). */
  readonly pointsOnly?: boolean;
}

export interface AxisSpec {
  readonly name: string;
  readonly log?: boolean;
  /** An angle axis over [-pi, pi] with ticks at multiples of pi/2 (the circle sweep). */
  readonly angle?: boolean;
  /** What x is, for the tooltip's header ("step N (log10 t = ...)"); a plain value when absent. */
  readonly meaning?: XMeaning;
  /** A categorical axis drawn on a value axis: x = i stands for categories[i] (ticks, labels and tooltip say it). */
  readonly categories?: readonly string[];
}

const PI_LABELS: Readonly<Record<string, string>> = { '-2': '−π', '-1': '−π/2', '0': '0', '1': 'π/2', '2': 'π' };

function angleLabel(v: number): string {
  return PI_LABELS[String(Math.round(v / (Math.PI / 2)))] ?? formatNumber(v, 3);
}

const categoryLabel = (categories: readonly string[]) => (v: number) => (Number.isInteger(v) ? (categories[v] ?? '') : '');

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
    showSymbol: (line.symbols ?? false) || (line.pointsOnly ?? false),
    symbolSize: line.pointsOnly ? 8 : 5,
    sampling: undefined,
    animation: false,
    silent: line.faint ?? false,
    color: line.color ?? colorAt(index),
    lineStyle: { width: line.faint ? 1 : 1.75, opacity: line.stack || line.pointsOnly ? 0 : line.faint ? 0.28 : 1, type: line.dashed ? 'dashed' : 'solid' },
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
        // Inside the plot along the line's top end, clear of the axis ticks.
        label: { formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
        data: vertical.map((m) => ({ xAxis: m.value, name: m.label })),
      },
    });
  }
  return series;
}

/** Id of the pinned-cursor series: a `mark` id, so point counts and CSV exports of plotted data leave it out. */
export const PIN_SERIES_ID = 'mark-pin';

/** A pinned cursor: a vertical line at x, a series of its own so a live chart merges it like any other. */
export function pinSeries(x: number, label: string): ChartSeries {
  return {
    type: 'line',
    id: PIN_SERIES_ID,
    name: '',
    data: [],
    animation: false,
    silent: true,
    tooltip: { show: false },
    markLine: {
      silent: true,
      symbol: 'none',
      animation: false,
      lineStyle: { type: 'solid', width: 1.25, color: '#868e96' },
      label: { formatter: label, position: 'insideStartTop', fontSize: 10 },
      data: [{ xAxis: x }],
    },
  };
}

/** Height of one legend row and the width a legend is laid out for (a panel's plot at a 1024 px window). */
export const LEGEND_ROW_PX = 20;
const LEGEND_WIDTH_PX = 440;

/**
 * Rows a wrapping legend of these names takes in `width` px (11 px text at about 5.4 px a character, as chromium
 * drew it, with some margin; a 14 px icon; gaps of 5 and 10 px): the grid starts below them, so nothing is clipped
 * and no entry hides on a second page.
 */
export function legendRows(names: readonly string[], width = LEGEND_WIDTH_PX): number {
  let rows = names.length > 0 ? 1 : 0;
  let x = 0;
  for (const name of names) {
    const w = 14 + 5 + Math.ceil(name.length * 5.4) + 10;
    if (x > 0 && x + w > width) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

/** Names the legend lists: drawn lines and horizontal marks, once each; not faint twins, band edges or vertical marks. */
export function legendNames(spec: LineChartSpec): string[] {
  const names = spec.lines.filter((l) => !l.faint && !l.stack).map((l) => l.name);
  const marks = (spec.marks ?? []).filter((m) => m.axis === 'y').map((m) => m.label);
  return [...new Set([...names, ...marks])];
}

export function lineChartOption(spec: LineChartSpec): ChartOption {
  const names = legendNames(spec);
  const legend = spec.legend ?? names.length > 1;
  const rows = legend ? legendRows(names) : 0;
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 12, right: 20, top: 28 + rows * LEGEND_ROW_PX, bottom: 36, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: legend
      ? { type: 'plain', data: names, top: 0, left: 0, right: 0, itemGap: 10, icon: 'roundRect', itemWidth: 14, itemHeight: 4, textStyle: { fontSize: 11 } }
      : { show: false },
    tooltip: {
      trigger: 'axis',
      confine: true,
      axisPointer: { type: 'line', snap: true },
      formatter: ((params: TooltipParam | TooltipParam[]) => tooltipNodes(lineTooltipContent(params, spec.x.meaning ?? 'value', spec.x.name, spec.x.categories))) as never,
    },
    xAxis: {
      // Names what x means, so the plotted data's CSV can give the step back (plotted-csv.ts).
      id: spec.x.meaning ?? 'value',
      type: spec.x.log ? 'log' : 'value',
      name: spec.x.name,
      nameLocation: 'middle',
      nameGap: 24,
      scale: true,
      ...(spec.x.angle ? { min: -Math.PI, max: Math.PI, interval: Math.PI / 2 } : {}),
      ...(spec.x.categories ? { min: -0.5, max: spec.x.categories.length - 0.5, interval: 1 } : {}),
      axisLine: { onZero: false },
      axisLabel: { hideOverlap: true, formatter: spec.x.angle ? angleLabel : spec.x.categories ? categoryLabel(spec.x.categories) : formatTick },
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
      axisLabel: { hideOverlap: true, formatter: formatTick },
    },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseWheel: false, moveOnMouseMove: true }],
    series: lineSeries(spec),
  };
}
