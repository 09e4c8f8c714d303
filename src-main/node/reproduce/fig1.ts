// Fig. 1 of the paper: under cross-entropy the outputs f_t(x_i) on the six circle points grow without bound, about
// linearly in log t, while lambda_min(K_t) stays away from 0. One run; the panel is f_t(x_i) against log10 t.
import { metricChartOption } from '../../charts/metric-option';
import { metricLabel } from '../../charts/metric-names';
import { parseSampleMetric } from '../../contract/metric-names';
import { REPORT_DEFAULTS } from '../report/run-report';
import type { ExperimentDefinition, ExperimentRun } from './experiment';
import { circleBase, fmt, lastValue, latePhaseStart, logTimeFit, meanAbsOutputs, stepsFor, widthsFor } from './series';

function analyseRun(r: ExperimentRun) {
  const steps = r.config.steps;
  const from = latePhaseStart(steps);
  const outputs = logTimeFit(meanAbsOutputs(r.metrics), from);
  const distance = logTimeFit(r.metrics.paramDistance, from);
  const lambdaMin = r.metrics.lambdaMin ? Math.min(...Array.from(r.metrics.lambdaMin.values).filter(Number.isFinite)) : NaN;
  return {
    width: r.config.model.width,
    steps,
    latePhaseFrom: from,
    meanAbsOutputSlopePerDecade: outputs.slope,
    meanAbsOutputR2: outputs.r2,
    paramDistanceSlopePerDecade: distance.slope,
    paramDistanceR2: distance.r2,
    finalMeanAbsOutput: lastValue(meanAbsOutputs(r.metrics)),
    finalLoss: lastValue(r.metrics.loss),
    minLambdaMin: lambdaMin,
    lambda0: r.run.summary.lambda0 as number | undefined,
    bound: r.run.summary.bound as number | undefined,
    firstCrossStep: r.run.summary.firstCrossStep as number | undefined,
  };
}

export const fig1: ExperimentDefinition = {
  id: 'fig1',
  title: 'Fig. 1: outputs diverge under cross-entropy',
  summary:
    'FCN (eq. 2.1) on six points of the unit circle with alternating labels, full-batch GD on the mean binary cross-entropy. The paper shows f_t(x_i) growing about linearly in log t.',
  spec: (options) => {
    const base = circleBase(options);
    const width = widthsFor(options, [256], [2000])[0];
    return {
      name: 'Reproduce fig1',
      base: {
        ...base,
        name: `fig1 m=${width}`,
        seed: options.seeds?.[0] ?? 0,
        steps: stepsFor(options, 10_000, 10_000),
        model: { ...(base.model as object), width },
        logging: { metrics: { logSpaced: 120 }, kernels: { logSpaced: 20 }, trackSamples: [0, 1, 2, 3, 4, 5], saveKernels: false },
      },
    };
  },
  analyse: (runs) => {
    const r = runs[0];
    const a = analyseRun(r);
    const names = Object.keys(r.metrics).filter((n) => parseSampleMetric(n)?.kind === 'outputs');
    const option = metricChartOption({
      lines: names.map((n) => ({ metric: n, label: metricLabel(n) })),
      source: (name) => {
        const s = r.metrics[name];
        return s && { steps: s.steps, values: s.values, length: s.steps.length };
      },
      xMode: 'log10',
      yLog: false,
      yName: 'f_t(x_i)',
      smoothing: 0,
      marks: [],
      maxPoints: REPORT_DEFAULTS.maxPoints,
    });
    return {
      panels: [{ id: 'fig1', title: 'f_t(x_i) against log₁₀ t', hint: `m = ${a.width}, ${a.steps} steps, lr ${r.config.optimizer.lr}`, option }],
      comparisons: [
        { quantity: `late-phase mean |f_t| vs log10 t (t >= ${a.latePhaseFrom}): slope per decade, R²`, measured: `${fmt(a.meanAbsOutputSlopePerDecade)}, R² ${fmt(a.meanAbsOutputR2, 4)}`, paper: 'linear in log t (no slope printed)' },
        { quantity: '‖θ_t − θ₀‖₂ vs log10 t: slope per decade, R²', measured: `${fmt(a.paramDistanceSlopePerDecade)}, R² ${fmt(a.paramDistanceR2, 4)}`, paper: 'parameters diverge (Theorem)' },
        { quantity: 'min over t of λ_min(K_t)', measured: fmt(a.minLambdaMin), paper: 'bounded away from 0 (assumption of the theorem)' },
        { quantity: 'λ₀ and bound λ₀/(2n²), n = 6', measured: `${fmt(a.lambda0 ?? NaN)}, ${fmt(a.bound ?? NaN)}`, paper: 'λ₀ > 0 (no value printed)' },
      ],
      tables: [
        {
          title: 'Fig. 1 measurements',
          headers: ['quantity', 'value'],
          rows: Object.entries(a).map(([k, v]) => [k, typeof v === 'number' ? fmt(v, 4) : String(v ?? '—')]),
        },
      ],
      data: a,
      notes: ['The paper does not print the slope; its figure shows six curves growing about linearly in log10(epoch) over 10^4 epochs at m = 2000.'],
    };
  },
};
