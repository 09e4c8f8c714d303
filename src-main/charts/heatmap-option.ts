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

export interface KernelTrio {
  readonly k0: ChartOption;
  readonly kt: ChartOption;
  readonly diff: ChartOption;
  /** max_ij |K_t - K_0| over the shown (block-averaged) matrices. */
  readonly maxAbs: number;
}

/** K_0 and K_t on one shared sequential scale and K_t - K_0 on a diverging one, from same-size shown matrices. */
export function kernelTrioOptions(first: Float64Array, current: Float64Array, size: number, factor: number): KernelTrio {
  const diff = new Float64Array(size * size);
  for (let i = 0; i < diff.length; i++) diff[i] = current[i] - first[i];
  const [min, max] = valueRange([first, current]);
  const [dmin, dmax] = valueRange([diff], true);
  let maxAbs = 0;
  for (const v of diff) maxAbs = Math.max(maxAbs, Math.abs(v));
  return {
    k0: heatmapOption({ data: first, size, factor, min, max }),
    kt: heatmapOption({ data: current, size, factor, min, max }),
    diff: heatmapOption({ data: diff, size, factor, min: dmin, max: dmax, diverging: true }),
    maxAbs,
  };
}
