// Names of the metrics a training run records (the store's rows, the API's series and events, the charts): scalars
// by field name, per-sample series as `outputs/<sample>/<j>`, `u/<sample>` and `diagonal/<sample>`. Zod-free, so
// the renderer imports it directly.
import { DEFAULTS, datasetSizeOf, type DataShape, type DynamicsPart, dynamicsPartsOf, type LossShape, outputsFor } from './run-config-rules';

/**
 * The NTK-dynamics gaps (core/train/dynamics.ts), max over points and outputs of |f_t - f^*_t|: against kernel GD
 * with the analytic kernel, the linearised network and kernel GD with the empirical K_0; on the training points and,
 * with a suffix Test, on the test points.
 */
export const DYNAMICS_METRICS = ['gapAnalytic', 'gapAnalyticTest', 'gapLinear', 'gapLinearTest', 'gapKernel0', 'gapKernel0Test'] as const;

export type DynamicsMetric = (typeof DYNAMICS_METRICS)[number];

/** The gaps one logged step recorded (the enabled parts; test gaps when the run has test points). */
export type DynamicsMetrics = { readonly [M in DynamicsMetric]?: number };

/** The training-point and test-point gap of each dynamics part. */
export const DYNAMICS_METRIC_OF: Readonly<Record<DynamicsPart, { readonly train: DynamicsMetric; readonly test: DynamicsMetric }>> = {
  analytic: { train: 'gapAnalytic', test: 'gapAnalyticTest' },
  linearised: { train: 'gapLinear', test: 'gapLinearTest' },
  kernel0: { train: 'gapKernel0', test: 'gapKernel0Test' },
};

const BASE_SCALAR_METRICS = [
  'loss',
  'accuracy',
  'paramNorm',
  'paramDistance',
  'paramDistanceInf',
  'relDrift',
  'maxAbsDriftInit',
  'maxAbsDiffAnalytic',
  'lambdaMin',
  'lambdaMax',
  'condition',
] as const;

export const SCALAR_METRICS = [...BASE_SCALAR_METRICS, ...DYNAMICS_METRICS] as const;

export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** A per-sample series: output j of training sample `sample`, its u_i, or its kernel diagonal. */
export type SampleMetric = { kind: 'outputs'; sample: number; output: number } | { kind: 'u' | 'diagonal'; sample: number };

export function sampleMetricName(metric: SampleMetric): string {
  return metric.kind === 'outputs' ? `outputs/${metric.sample}/${metric.output}` : `${metric.kind}/${metric.sample}`;
}

/** The per-sample series a name stands for, or null for scalars and unknown names. */
export function parseSampleMetric(name: string): SampleMetric | null {
  const outputs = /^outputs\/(\d+)\/(\d+)$/.exec(name);
  if (outputs) return { kind: 'outputs', sample: Number(outputs[1]), output: Number(outputs[2]) };
  const other = /^(u|diagonal)\/(\d+)$/.exec(name);
  if (other) return { kind: other[1] as 'u' | 'diagonal', sample: Number(other[2]) };
  return null;
}

/** The parts of a run config that decide which series it records. */
export interface MetricsConfigShape {
  readonly loss: LossShape;
  readonly data: DataShape;
  readonly logging?: { readonly trackSamples?: readonly number[] };
  readonly ntk?: { readonly circleSweep?: number };
  readonly dynamics?: { readonly [P in DynamicsPart]?: boolean };
}

/**
 * The dynamics gaps a config records: per enabled part its training gap, and its test gap when the run has test
 * points (the circle sweep; the datasets have no held-out split yet, so without a sweep only training points).
 */
export function dynamicsMetricNames(config: Pick<MetricsConfigShape, 'ntk' | 'dynamics'>): DynamicsMetric[] {
  const withTest = (config.ntk?.circleSweep ?? DEFAULTS.ntk.circleSweep) > 0;
  return dynamicsPartsOf(config).flatMap((part) => (withTest ? [DYNAMICS_METRIC_OF[part].train, DYNAMICS_METRIC_OF[part].test] : [DYNAMICS_METRIC_OF[part].train]));
}

/**
 * The metric names a training run with this config records (core/train/train-run.ts and snapshot-metrics.ts):
 * every scalar but the dynamics gaps, the gaps the config enables, then per tracked sample its k outputs, its kernel diagonal and, for bce, u_i. File data tells its
 * size only once loaded; it is taken as binary with at least the default number of tracked samples.
 */
export function expectedMetricNames(config: MetricsConfigShape): string[] {
  const size = datasetSizeOf(config.data);
  const k = outputsFor(config.loss, size?.classes ?? 2);
  const n = size?.n ?? DEFAULTS.trackedSamples;
  const tracked = config.logging?.trackSamples ?? Array.from({ length: Math.min(n, DEFAULTS.trackedSamples) }, (_, i) => i);
  const names: string[] = [...BASE_SCALAR_METRICS, ...dynamicsMetricNames(config)];
  for (const sample of tracked) {
    for (let output = 0; output < k; output++) names.push(sampleMetricName({ kind: 'outputs', sample, output }));
    names.push(sampleMetricName({ kind: 'diagonal', sample }));
    if (k === 1 && config.loss.kind === 'bce') names.push(sampleMetricName({ kind: 'u', sample }));
  }
  return names;
}
