// Options of the kernel charts that are not heatmaps: the NTK on the unit circle (Fig. 2/3) at chosen steps against
// the analytic kernel, and every eigenvalue of K_t(X, X) over training (log scale; a line per eigenvalue for small
// Grams, a cloud of points per snapshot for larger ones). Shared by the Kernels tab and node/report.
import type { ChartOption, ChartSeries } from './chart-option';
import { stepAxis, type XMode, xOfStep } from './chart-points';
import { colorAt, type LineSpec, lineChartOption } from './line-option';

/** What these charts read of a kernel snapshot. */
export interface SnapshotCurves {
  readonly step: number;
  readonly eigenvalues: ArrayLike<number> | null;
  readonly sweep: ArrayLike<number> | null;
}

const SPECTRUM_MAX_LINES = 12;

/** phi_j = -pi + 2 pi j / (count - 1): the sweep's grid (core/data/synthetic.ts circleSweep). */
function phis(count: number): number[] {
  return Array.from({ length: count }, (_, j) => -Math.PI + (2 * Math.PI * j) / (count - 1));
}

/** One curve on the circle: K((1,0), (cos phi_j, sin phi_j)) on the sweep's grid. */
export interface CircleCurve {
  readonly id: string;
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly color?: string;
}

/** Curves on the circle (steps of one run, or widths and seeds at init: Fig. 2) with the analytic kernel dashed. */
export function circleCurvesOption(curves: readonly CircleCurve[], analytic: ArrayLike<number> | null | undefined): ChartOption {
  const lines: LineSpec[] = curves
    .filter((c) => c.values.length > 1)
    .map((c, i) => {
      const x = phis(c.values.length);
      return { id: c.id, name: c.name, color: c.color ?? colorAt(i), points: Array.from(c.values, (v, j) => [x[j], v] as [number, number]) };
    });
  if (analytic && analytic.length > 1) {
    const x = phis(analytic.length);
    lines.push({ id: 'analytic', name: 'analytic K', dashed: true, color: '#868e96', points: Array.from(analytic, (v, j) => [x[j], v] as [number, number]) });
  }
  return lineChartOption({ lines, x: { name: 'φ', angle: true }, y: { name: 'K((1,0), (cos φ, sin φ))' }, legend: true });
}

export function circleSweepOption(snapshots: readonly SnapshotCurves[], steps: readonly number[], analytic: ArrayLike<number> | null | undefined): ChartOption {
  const curves = snapshots
    .filter((s) => s.sweep && s.sweep.length > 1 && steps.includes(s.step))
    .map((s) => ({ id: `step-${s.step}`, name: `step ${s.step}`, values: s.sweep ?? [] }));
  return circleCurvesOption(curves, analytic);
}

/** The first, middle and last of the steps: what the circle sweep shows until the user picks. */
export function defaultSweepSteps(steps: readonly number[]): number[] {
  return [...new Set([steps[0], steps[Math.floor((steps.length - 1) / 2)], steps[steps.length - 1]])].filter((s) => s !== undefined);
}

export function spectrumOption(snapshots: readonly SnapshotCurves[], xMode: XMode): ChartOption {
  const withSpectrum = snapshots.filter((s) => s.eigenvalues && s.eigenvalues.length > 0);
  const xOf = (step: number) => xOfStep(step, xMode);
  const count = Math.max(0, ...withSpectrum.map((s) => s.eigenvalues?.length ?? 0));
  const base = lineChartOption({ lines: [], x: stepAxis(xMode), y: { name: 'eigenvalue', log: true }, legend: count <= SPECTRUM_MAX_LINES });
  let series: ChartSeries[];
  if (count <= SPECTRUM_MAX_LINES) {
    series = Array.from({ length: count }, (_, i) => ({
      type: 'line' as const,
      id: `lambda-${i}`,
      name: `λ${i + 1}`,
      color: colorAt(i),
      showSymbol: true,
      symbolSize: 4,
      animation: false,
      data: withSpectrum.flatMap((s) => {
        const v = s.eigenvalues?.[i];
        const x = xOf(s.step);
        return v !== undefined && v > 0 && Number.isFinite(x) ? [[x, v] as [number, number]] : [];
      }),
    }));
  } else {
    series = [
      {
        type: 'scatter' as const,
        id: 'eigenvalues',
        name: 'eigenvalues',
        symbolSize: 3,
        color: colorAt(0),
        animation: false,
        large: true,
        data: withSpectrum.flatMap((s) => {
          const x = xOf(s.step);
          return Number.isFinite(x) ? Array.from(s.eigenvalues ?? []).filter((v) => v > 0).map((v) => [x, v] as [number, number]) : [];
        }),
      },
    ];
  }
  return { ...base, tooltip: { ...(base.tooltip as object), trigger: count <= SPECTRUM_MAX_LINES ? ('axis' as const) : ('item' as const) }, series };
}

/**
 * The largest eigenvalues of each kernel against their rank (1 = lambda_max), a line per step on a log scale: the
 * spectrum a blocked kernel file keeps (its top k from block Lanczos), readable with one checkpoint as with many.
 */
export function rankSpectrumOption(snapshots: readonly Pick<SnapshotCurves, 'step' | 'eigenvalues'>[]): ChartOption {
  const lines: LineSpec[] = snapshots.flatMap((s, i) =>
    s.eigenvalues && s.eigenvalues.length > 0
      ? [{ id: `step-${s.step}`, name: `step ${s.step}`, color: colorAt(i), symbols: true, points: Array.from(s.eigenvalues, (v, k) => [k + 1, v] as const).filter(([, v]) => v > 0) }]
      : [],
  );
  return lineChartOption({ lines, x: { name: 'rank k (λ_k, largest first)' }, y: { name: 'eigenvalue', log: true }, legend: lines.length > 1 });
}
