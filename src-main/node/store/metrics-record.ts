// Flattens a training MetricsRecord (core/train/train-run.ts) into named metric rows with stable names:
// scalars by their field name, per-sample vectors as `outputs/<sample>/<j>`, `u/<sample>`, `diagonal/<sample>`.
import type { MetricsRecord } from '../../core/train/train-types';
import type { MetricRow } from './types';
import { SCALAR_METRICS, sampleMetricName } from '../../contract/metric-names';

/** `trackedSamples` (RunStartInfo.trackedSamples) names the per-sample entries by training index. */
export function metricRowsFromRecord(record: MetricsRecord, trackedSamples: readonly number[]): MetricRow[] {
  const { step, wallTime } = record;
  const rows: MetricRow[] = [];
  for (const name of SCALAR_METRICS) {
    const value = record[name];
    if (typeof value === 'number') rows.push({ step, wallTime, name, value });
  }
  record.outputs.forEach((outputs, slot) =>
    outputs.forEach((value, j) => rows.push({ step, wallTime, name: sampleMetricName({ kind: 'outputs', sample: trackedSamples[slot], output: j }), value })),
  );
  record.u?.forEach((value, slot) => rows.push({ step, wallTime, name: sampleMetricName({ kind: 'u', sample: trackedSamples[slot] }), value }));
  record.diagonal?.forEach((value, slot) => rows.push({ step, wallTime, name: sampleMetricName({ kind: 'diagonal', sample: trackedSamples[slot] }), value }));
  return rows;
}
