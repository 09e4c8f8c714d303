// The data a chart plots, as CSV (series, x, y, value, step): one row per drawn point, a heatmap's x and y being its
// column and row. Shared by the report's figure export (node/report/figures.ts) and the panels' "Copy CSV" button,
// so a figure and the clipboard say the same thing. On a log10-step axis the step column gives the step back.
import type { ChartOption } from './chart-option';
import { PIN_SERIES_ID } from './line-option';
import type { XMeaning } from './tooltip';

/** A CSV field, quoted when it holds a comma, quote or line break. */
export const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

interface PlottedSeries {
  name?: unknown;
  id?: unknown;
  type?: string;
  data?: unknown[];
  markLine?: { data?: { name?: string; xAxis?: number; yAxis?: number }[] };
}

/** The step an x stands for on an axis of this meaning ('' when x is not a step). */
function stepOf(x: unknown, meaning: XMeaning | undefined): string {
  const v = Number(x);
  if (!Number.isFinite(v)) return '';
  if (meaning === 'log10-step') return String(Math.round(10 ** v));
  if (meaning === 'log1p-step') return String(Math.round(10 ** v - 1));
  if (meaning === 'step') return String(Math.round(v));
  return '';
}

const firstOf = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);

export function plottedCsv(option: ChartOption): string {
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as PlottedSeries[];
  // lineChartOption names the x axis by what x means (tooltip.ts XMeaning).
  const meaning = firstOf(option.xAxis as { id?: unknown } | { id?: unknown }[] | undefined)?.id as XMeaning | undefined;
  const lines = ['series,x,y,value,step'];
  for (const s of series) {
    if (s.id === PIN_SERIES_ID) continue;
    const raw = typeof s.id === 'string' && s.id.endsWith(':raw');
    const name = csvField(`${String(s.name ?? s.id ?? '')}${raw ? ' (raw)' : ''}`);
    for (const point of s.data ?? []) {
      if (!Array.isArray(point)) continue;
      lines.push(s.type === 'heatmap' ? `${name},${point[0]},${point[1]},${point[2]},` : `${name},${point[0]},${point[1]},,${stepOf(point[0], meaning)}`);
    }
    for (const mark of s.markLine?.data ?? []) lines.push(`${csvField(mark.name ?? 'mark')},${mark.xAxis ?? ''},${mark.yAxis ?? ''},,${mark.xAxis === undefined ? '' : stepOf(mark.xAxis, meaning)}`);
  }
  return `${lines.join('\n')}\n`;
}
