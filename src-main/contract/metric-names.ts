// Names of the metrics a training run records (the store's rows, the API's series and events, the charts): scalars
// by field name, per-sample series as `outputs/<sample>/<j>`, `u/<sample>` and `diagonal/<sample>`. Zod-free, so
// the renderer imports it directly.
import { DEFAULTS, datasetSizeOf, type DataShape, type LossShape, outputsFor } from './run-config-rules';

export const SCALAR_METRICS = [
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
}

/**
 * The metric names a training run with this config records (core/train/train-run.ts and snapshot-metrics.ts):
 * every scalar, then per tracked sample its k outputs, its kernel diagonal and, for bce, u_i. File data tells its
 * size only once loaded; it is taken as binary with at least the default number of tracked samples.
 */
export function expectedMetricNames(config: MetricsConfigShape): string[] {
  const size = datasetSizeOf(config.data);
  const k = outputsFor(config.loss, size?.classes ?? 2);
  const n = size?.n ?? DEFAULTS.trackedSamples;
  const tracked = config.logging?.trackSamples ?? Array.from({ length: Math.min(n, DEFAULTS.trackedSamples) }, (_, i) => i);
  const names: string[] = [...SCALAR_METRICS];
  for (const sample of tracked) {
    for (let output = 0; output < k; output++) names.push(sampleMetricName({ kind: 'outputs', sample, output }));
    names.push(sampleMetricName({ kind: 'diagonal', sample }));
    if (k === 1 && config.loss.kind === 'bce') names.push(sampleMetricName({ kind: 'u', sample }));
  }
  return names;
}
