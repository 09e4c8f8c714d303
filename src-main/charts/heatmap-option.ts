// The ECharts option of a kernel heatmap: row 0 at the top like a matrix, a sequential scale for K and a diverging
// one centred on 0 for differences such as K_t - K_0. Axis labels are sample indices (rows of the full kernel are
// sample-major, i * k + a), scaled back when the server block-averaged the matrix.
import type { ChartOption } from './chart-option';
import { formatNumber } from './format';

const SEQUENTIAL = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
const DIVERGING = ['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b'];

export interface HeatmapSpec {
  readonly data: Float64Array;
  readonly size: number;
  /** Rows of the original kernel per shown row. */
  readonly factor: number;
  readonly min: number;
  readonly max: number;
  readonly diverging?: boolean;
}

/** [min, max] over the given matrices, ignoring non-finite entries; symmetric around 0 with `symmetric`. */
export function valueRange(matrices: readonly Float64Array[], symmetric = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of matrices) {
    for (const v of m) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return [0, 1];
  if (symmetric) {
    const a = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-a, a];
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export function heatmapSeriesData(data: Float64Array, size: number): [number, number, number][] {
  const out: [number, number, number][] = new Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = [j, i, data[i * size + j]];
  return out;
}

export function heatmapOption(spec: HeatmapSpec): ChartOption {
  const labels = Array.from({ length: spec.size }, (_, i) => String(i * spec.factor));
  const axis = { type: 'category' as const, data: labels, splitArea: { show: false }, axisTick: { show: false }, axisLabel: { fontSize: 10, hideOverlap: true } };
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 8, right: 64, top: 8, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      confine: true,
      formatter: (p: unknown) => {
        const [j, i, v] = (p as { value: [number, number, number] }).value;
        return `K[${i * spec.factor}, ${j * spec.factor}] = ${formatNumber(v, 5)}`;
      },
    },
    xAxis: { ...axis, position: 'top' },
    yAxis: { ...axis, inverse: true },
    visualMap: {
      type: 'continuous',
      min: spec.min,
      max: spec.max,
      calculable: false,
      text: [formatNumber(spec.max, 3), formatNumber(spec.min, 3)],
      textGap: 4,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemHeight: 160,
      itemWidth: 12,
      precision: 3,
      formatter: (v: unknown) => formatNumber(Number(v), 3),
      inRange: { color: spec.diverging ? DIVERGING : SEQUENTIAL },
    },
    series: [{ type: 'heatmap', id: 'kernel', data: heatmapSeriesData(spec.data, spec.size), progressive: 0, emphasis: { disabled: true } }],
  };
}

export type KernelQuantity = 'k0' | 'kt' | 'diff';

export interface KernelTrio {
  readonly k0: ChartOption;
  readonly kt: ChartOption;
  readonly diff: ChartOption;
  /** The specs the three options were built from (for a panel export of all three). */
  readonly specs: Readonly<Record<KernelQuantity, HeatmapSpec>>;
  /** max_ij |K_t - K_0| over the shown (block-averaged) matrices. */
  readonly maxAbs: number;
}

/**
 * K_0 and K_t on a sequential scale (one shared scale by default, else one each) and K_t - K_0 on a diverging one,
 * from same-size shown matrices.
 */
export function kernelTrioOptions(first: Float64Array, current: Float64Array, size: number, factor: number, sharedScale = true): KernelTrio {
  const diff = new Float64Array(size * size);
  for (let i = 0; i < diff.length; i++) diff[i] = current[i] - first[i];
  const shared = valueRange([first, current]);
  const [min0, max0] = sharedScale ? shared : valueRange([first]);
  const [mint, maxt] = sharedScale ? shared : valueRange([current]);
  const [dmin, dmax] = valueRange([diff], true);
  let maxAbs = 0;
  for (const v of diff) maxAbs = Math.max(maxAbs, Math.abs(v));
  const specs: Record<KernelQuantity, HeatmapSpec> = {
    k0: { data: first, size, factor, min: min0, max: max0 },
    kt: { data: current, size, factor, min: mint, max: maxt },
    diff: { data: diff, size, factor, min: dmin, max: dmax, diverging: true },
  };
  return { k0: heatmapOption(specs.k0), kt: heatmapOption(specs.kt), diff: heatmapOption(specs.diff), specs, maxAbs };
}

export interface TitledHeatmap {
  readonly title: string;
  readonly spec: HeatmapSpec;
}

/** Pixel size of one heatmap (with its colour bar) in a panel export. */
export const PANEL_CELL = { width: 380, height: 360 } as const;

/**
 * One option holding several heatmaps side by side, each with its title and its own colour bar: what the Kernels
 * panel exports as a single figure (K₀, K_t and K_t − K₀ at one step). Built from heatmapOption, re-indexed per grid.
 */
export function heatmapPanelOption(heatmaps: readonly TitledHeatmap[]): ChartOption {
  const n = Math.max(1, heatmaps.length);
  const share = 100 / n;
  const parts = heatmaps.map((h) => heatmapOption(h.spec) as Record<string, unknown> & { xAxis: object; yAxis: object; visualMap: object; series: object[] });
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: heatmaps.map((h, i) => ({ text: h.title, left: `${i * share + 1}%`, top: 4, textStyle: { fontSize: 14, fontWeight: 'normal' as const } })),
    grid: heatmaps.map((_, i) => ({ left: `${i * share + 2}%`, width: `${share - 16}%`, top: 52, bottom: 12, outerBoundsMode: 'same' as const, outerBoundsContain: 'axisLabel' as const })),
    xAxis: parts.map((p, i) => ({ ...p.xAxis, gridIndex: i })),
    yAxis: parts.map((p, i) => ({ ...p.yAxis, gridIndex: i })),
    visualMap: parts.map((p, i) => ({ ...p.visualMap, seriesIndex: i, right: undefined, left: `${(i + 1) * share - 9}%`, top: 'middle' })),
    series: parts.map((p, i) => ({ ...(p.series[0] as object), id: `kernel-${i}`, xAxisIndex: i, yAxisIndex: i })),
  } as ChartOption;
}
