// How charts show metric names (contract/metric-names.ts owns the names, their parsing and which a run records): a
// label per scalar and per-sample series for charts and pickers, and the order pickers list them in.
import { parseSampleMetric, SCALAR_METRICS } from '../contract/metric-names';

const LABELS: Readonly<Record<string, string>> = {
  loss: 'loss',
  accuracy: 'accuracy',
  paramNorm: '‖θ_t‖₂',
  paramDistance: '‖θ_t − θ₀‖₂',
  paramDistanceInf: '‖θ_t − θ₀‖∞',
  relDrift: '‖K_t − K₀‖_F / ‖K₀‖_F',
  maxAbsDriftInit: 'max_ij |K_t − K₀|',
  maxAbsDiffAnalytic: 'max_ij |K_t − K|',
  lambdaMin: 'λ_min(K_t)',
  lambdaMax: 'λ_max(K_t)',
  condition: 'λ_max / λ_min',
  // The NTK-dynamics gaps (core/train/dynamics.ts): x_i the training points, x the test points.
  gapAnalytic: 'max_i |f_t(x_i) − f^ntk_t(x_i)|',
  gapAnalyticTest: 'max_x |f_t(x) − f^ntk_t(x)| (test)',
  gapLinear: 'max_i |f_t(x_i) − f^lin_t(x_i)|',
  gapLinearTest: 'max_x |f_t(x) − f^lin_t(x)| (test)',
  gapKernel0: 'max_i |f_t(x_i) − f^K₀_t(x_i)|',
  gapKernel0Test: 'max_x |f_t(x) − f^K₀_t(x)| (test)',
  // Recorded only by checkpoint-series imports (src-main/node/jobs/import-job.ts).
  outputChange: '‖f_t − f₀‖_F / ‖f₀‖_F',
  maxAbsOutputChange: 'max |f_t − f₀|',
  'validation/maxAbsError': 'max |f − f_onnxruntime|',
};

export function metricLabel(name: string): string {
  const sample = parseSampleMetric(name);
  if (!sample) return LABELS[name] ?? name;
  if (sample.kind === 'outputs') return `f_t(x_${sample.sample})${sample.output > 0 ? `[${sample.output}]` : ''}`;
  if (sample.kind === 'u') return `u_t(x_${sample.sample})`;
  return `K_t(x_${sample.sample}, x_${sample.sample})`;
}

/** Names sorted for pickers: scalars in their usual order, then per-sample series by kind and index. */
export function sortMetricNames(names: Iterable<string>): string[] {
  const rank = (name: string): [number, number, number] => {
    const scalar = (SCALAR_METRICS as readonly string[]).indexOf(name);
    if (scalar >= 0) return [0, scalar, 0];
    const sample = parseSampleMetric(name);
    if (!sample) return [4, 0, 0];
    const kind = sample.kind === 'outputs' ? 1 : sample.kind === 'diagonal' ? 2 : 3;
    return [kind, sample.sample, sample.kind === 'outputs' ? sample.output : 0];
  };
  return [...new Set(names)].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}
