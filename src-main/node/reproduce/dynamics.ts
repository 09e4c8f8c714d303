// The NTK-dynamics comparison (the paper's point): beside the network, the same run evolves kernel gradient descent
// with the analytic kernel (f^ntk), the linearised network (f^lin) and kernel GD with the frozen empirical K_0, and
// records max |f_t - f*_t| over training points and test points as metrics (the run config's `dynamics` block).
// Charts |f_t - f^ntk_t| and |f_t - f^lin_t| (train solid, test dashed) against log t, a line per width, per loss.
import { type BandSeries, bandLinesOption } from '../../charts/band-lines-option';
import { stepAxis } from '../../charts/chart-points';
import { colorAt } from '../../charts/line-option';
import { CodedError } from '../../contract/result';
import { runConfigSchema } from '../../contract/run-config';
import type { MetricSeries } from '../store/types';
import type { ExperimentDefinition, ExperimentPanel, ExperimentRun } from './experiment';
import { LOSS_LABEL } from './contrast';
import { circleBase, fmt, groupBy, lastValue, seedsFor, spread, stepsFor, valueAt, widthsFor } from './series';

/** The metric names the dynamics block records (max over points and outputs of |f_t - f*_t|). */
export const GAP_METRICS = ['gapAnalytic', 'gapAnalyticTest', 'gapLinear', 'gapLinearTest', 'gapKernel0', 'gapKernel0Test'] as const;
export type GapMetric = (typeof GAP_METRICS)[number];

const GAP_PANELS = [
  { id: 'ntk', train: 'gapAnalytic', test: 'gapAnalyticTest', y: '|f_t − f^ntk_t|', what: 'kernel GD with the analytic kernel' },
  { id: 'lin', train: 'gapLinear', test: 'gapLinearTest', y: '|f_t − f^lin_t|', what: 'the linearised network' },
] as const;

/** Refuses to start when this build's run config has no `dynamics` block (the metrics would not be recorded). */
function checkDynamicsAvailable(): void {
  if (!('dynamics' in runConfigSchema.shape))
    throw new CodedError('config/invalid', 'the dynamics experiment needs the NTK-dynamics metrics (a run config "dynamics" block), which this build does not have');
}

const pointsOf = (series: readonly (MetricSeries | undefined)[]) => {
  const steps = [...new Set(series.flatMap((s) => (s ? Array.from(s.steps) : [])))].filter((t) => t > 0).sort((a, b) => a - b);
  return steps.map((t) => ({ x: Math.log10(t), ...spread(series.map((s) => (s && s.steps.includes(t) ? valueAt(s, t) : NaN))) }));
};

function gapPanel(runs: readonly ExperimentRun[], loss: string, panel: (typeof GAP_PANELS)[number]): ExperimentPanel {
  const byWidth = [...groupBy(runs.filter((r) => r.config.loss.kind === loss), (r) => r.config.model.width ?? 0).entries()].sort((a, b) => a[0] - b[0]);
  const series: BandSeries[] = byWidth.flatMap(([width, group], i) => [
    { id: `m-${width}-train`, name: `m = ${width} train`, color: colorAt(i), symbols: false, points: pointsOf(group.map((r) => r.metrics[panel.train])) },
    { id: `m-${width}-test`, name: `m = ${width} test`, color: colorAt(i), dashed: true, symbols: false, points: pointsOf(group.map((r) => r.metrics[panel.test])) },
  ]);
  const label = LOSS_LABEL[loss] ?? loss;
  return {
    id: `dynamics-${panel.id}-${label.toLowerCase()}`,
    title: `${label}: ${panel.y} against log₁₀ t`,
    hint: `max over training points (solid) and test points (dashed) of the gap to ${panel.what}`,
    option: bandLinesOption({ series, x: stepAxis('log10'), y: { name: panel.y, log: true } }),
  };
}

export const dynamics: ExperimentDefinition = {
  id: 'dynamics',
  title: 'NTK dynamics: the network against kernel GD and its linearisation',
  summary:
    'Under MSE the network stays close to kernel gradient descent with the analytic kernel (the gap shrinks with width and stays bounded in time); under CE the gap grows with t at every width.',
  check: checkDynamicsAvailable,
  spec: (options) => {
    const base = circleBase(options);
    return {
      name: 'Reproduce dynamics',
      base: {
        ...base,
        name: 'dynamics',
        steps: stepsFor(options, 4000, 10_000),
        // Test points for the *Test gaps where the dynamics take them from the circle sweep.
        ntk: { ...(base.ntk as object), circleSweep: 51 },
        dynamics: { analytic: true, linearised: true, kernel0: true },
        logging: { metrics: { logSpaced: 80 }, kernels: { logSpaced: 20 }, trackSamples: [0, 1, 2, 3, 4, 5], saveKernels: false },
      },
      axes: { 'model.width': widthsFor(options, [64, 128, 256], [250, 1000, 2000]), 'loss.kind': ['bce', 'mse'] },
      seeds: seedsFor(options, [0], [0, 1]),
    };
  },
  analyse: (runs) => {
    if (!runs.some((r) => GAP_METRICS.some((g) => r.metrics[g])))
      throw new CodedError('data/not-found', `the dynamics runs recorded none of ${GAP_METRICS.join(', ')}: this build does not compute the NTK-dynamics metrics`);
    const panels = ['bce', 'mse'].flatMap((loss) => GAP_PANELS.map((p) => gapPanel(runs, loss, p)));
    const rows = runs.map((r) => {
      const T = r.config.steps;
      const tenth = Math.round(T / 10);
      const gaps = Object.fromEntries(GAP_METRICS.map((g) => [g, lastValue(r.metrics[g])]));
      return { loss: r.config.loss.kind, width: r.config.model.width ?? 0, seed: r.config.seed, ...gaps, gapAnalyticGrowth: lastValue(r.metrics.gapAnalytic) / valueAt(r.metrics.gapAnalytic, tenth) } as Record<string, number | string>;
    });
    const widths = [...new Set(rows.map((r) => r.width as number))].sort((a, b) => a - b);
    const mean = (loss: string, w: number, key: string) => spread(rows.filter((r) => r.loss === loss && r.width === w).map((r) => r[key] as number)).mean;
    return {
      panels,
      comparisons: widths.flatMap((w) => [
        { quantity: `m = ${w}: CE |f_T − f^ntk_T| (train, test); growth from T/10`, measured: `${fmt(mean('bce', w, 'gapAnalytic'))}, ${fmt(mean('bce', w, 'gapAnalyticTest'))}; ${fmt(mean('bce', w, 'gapAnalyticGrowth'))}x`, paper: 'grows with t at every width' },
        { quantity: `m = ${w}: MSE |f_T − f^ntk_T| (train, test)`, measured: `${fmt(mean('mse', w, 'gapAnalytic'))}, ${fmt(mean('mse', w, 'gapAnalyticTest'))}`, paper: 'shrinks with width, bounded in t' },
      ]),
      tables: [{ title: 'Final gaps per run', headers: ['loss', 'width', 'seed', ...GAP_METRICS, 'gapAnalytic(T)/gapAnalytic(T/10)'], rows: rows.map((r) => [LOSS_LABEL[r.loss as string] ?? String(r.loss), String(r.width), String(r.seed), ...GAP_METRICS.map((g) => fmt(r[g] as number)), fmt(r.gapAnalyticGrowth as number)]) }],
      data: { rows },
      notes: ['The gaps are the run metrics gapAnalytic, gapLinear, gapKernel0 and their Test twins: max over points and outputs of |f_t − f*_t|.'],
    };
  },
};
