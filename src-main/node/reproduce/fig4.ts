// Fig. 4 of the paper: on MNIST parity (even 0, odd 1; pixels / 255) the kernel diagonal K_t(x_i, x_i) of three
// training samples keeps moving over a long CE run. One run; one panel per sample, raw (faint) and smoothed.
import { metricChartOption } from '../../charts/metric-option';
import { sampleMetricName } from '../../contract/metric-names';
import { REPORT_DEFAULTS } from '../report/run-report';
import type { ExperimentDefinition } from './experiment';
import { fmt, lastValue, stepsFor, valueAt, widthsFor } from './series';

const SAMPLES = [0, 1, 2];
/** EMA weight of the smoothed curve (TensorBoard's smoothing; raw drawn faint behind). */
const SMOOTHING = 0.8;

export const fig4: ExperimentDefinition = {
  id: 'fig4',
  title: 'Fig. 4: the kernel diagonal moves on MNIST',
  summary: 'FCN on a balanced MNIST parity subset, full-batch GD on the mean cross-entropy; K_t(x_i, x_i) of three training digits over training.',
  spec: (options) => {
    const steps = stepsFor(options, 2000, 100_000);
    const width = widthsFor(options, [256], [500])[0];
    const n = options.mnistSubset ?? (options.scale === 'paper' ? 1000 : 200);
    return {
      name: 'Reproduce fig4',
      base: {
        name: `fig4 m=${width} n=${n}`,
        seed: options.seeds?.[0] ?? 0,
        steps,
        model: { arch: 'fcn', depth: options.depth, width, bias: options.bias },
        loss: { kind: 'bce', reduction: options.reduction },
        optimizer: { kind: 'gd', lr: 0.5 },
        data: { kind: 'mnist', n, labels: 'parity', balanced: true },
        ntk: { kernel: 'full', implementation: 'structured', analytic: 'derived' },
        logging: { metrics: { logSpaced: 60 }, kernels: { every: Math.max(1, Math.round(steps / 100)) }, trackSamples: SAMPLES, saveKernels: false, fullSpectrumMax: 256 },
      },
    };
  },
  analyse: (runs) => {
    const r = runs[0];
    const panels = SAMPLES.map((i, p) => {
      const name = sampleMetricName({ kind: 'diagonal', sample: i });
      const option = metricChartOption({
        lines: [{ metric: name, label: `K_t(x_${i}, x_${i})` }],
        source: (metric) => {
          const s = r.metrics[metric];
          return s && { steps: s.steps, values: s.values, length: s.steps.length };
        },
        xMode: 'step',
        yLog: false,
        yName: `K_t(x_${i}, x_${i})`,
        smoothing: SMOOTHING,
        marks: [],
        maxPoints: REPORT_DEFAULTS.maxPoints,
      });
      return { id: `fig4-${String.fromCharCode(97 + p)}`, title: `K_t(x_${i}, x_${i}) over training`, hint: `raw (faint) and EMA-smoothed (${SMOOTHING})`, option };
    });
    const rows = SAMPLES.map((i) => {
      const s = r.metrics[sampleMetricName({ kind: 'diagonal', sample: i })];
      const k0 = valueAt(s, 0);
      const kT = lastValue(s);
      return { sample: i, k0, kT, ratio: kT / k0 };
    });
    return {
      panels,
      comparisons: rows.map((x) => ({ quantity: `K_T(x_${x.sample}, x_${x.sample}) / K_0 at T = ${r.config.steps}`, measured: fmt(x.ratio), paper: 'moves over 10^5 steps (figure only)' })),
      tables: [{ title: 'Kernel diagonals', headers: ['sample', 'K_0(x_i, x_i)', 'K_T(x_i, x_i)', 'ratio'], rows: rows.map((x) => [String(x.sample), fmt(x.k0, 4), fmt(x.kT, 4), fmt(x.ratio, 4)]) }],
      data: { width: r.config.model.width, n: r.run.summary.n ?? null, steps: r.config.steps, rows, finalAccuracy: lastValue(r.metrics.accuracy), finalLoss: lastValue(r.metrics.loss) },
      notes: ['Which three digits the paper chose is not stated; we take training samples 0, 1 and 2 of the balanced subset.'],
    };
  },
};
