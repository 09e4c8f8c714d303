// Metric names as the store writes them (src-main/node/store/metrics-record.ts): scalars by field name, per-sample
// series as `outputs/<sample>/<j>`, `u/<sample>`, `diagonal/<sample>`; with the labels charts and pickers show.
import type { ScalarMetric } from '../contract/metric-names';

// The renderer may import only types from the contract: the list is checked against contract/metric-names.ts both ways.
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
] as const satisfies readonly ScalarMetric[];
const coversContract: [ScalarMetric] extends [(typeof SCALAR_METRICS)[number]] ? true : never = true;
void coversContract;

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
  // Recorded only by checkpoint-series imports (src-main/node/jobs/import-job.ts).
  outputChange: '‖f_t − f₀‖_F / ‖f₀‖_F',
  maxAbsOutputChange: 'max |f_t − f₀|',
  'validation/maxAbsError': 'max |f − f_onnxruntime|',
};

export type SampleMetric = { kind: 'outputs'; sample: number; output: number } | { kind: 'u' | 'diagonal'; sample: number };

export function parseSampleMetric(name: string): SampleMetric | null {
  const outputs = /^outputs\/(\d+)\/(\d+)$/.exec(name);
  if (outputs) return { kind: 'outputs', sample: Number(outputs[1]), output: Number(outputs[2]) };
  const other = /^(u|diagonal)\/(\d+)$/.exec(name);
  if (other) return { kind: other[1] as 'u' | 'diagonal', sample: Number(other[2]) };
  return null;
}

export function metricLabel(name: string): string {
  const sample = parseSampleMetric(name);
  if (!sample) return LABELS[name] ?? name;
  if (sample.kind === 'outputs') return `f_t(x_${sample.sample})${sample.output > 0 ? `[${sample.output}]` : ''}`;
  if (sample.kind === 'u') return `u_${sample.sample} = |σ(f) − y|`;
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

/** The metric names a training run with this config records (before any were fetched). */
export function expectedMetricNames(config: Record<string, unknown>): string[] {
  const data = (config.data ?? {}) as { kind?: string; n?: number; classes?: number; labels?: unknown };
  const loss = (config.loss ?? {}) as { kind?: string; targets?: string };
  const logging = (config.logging ?? {}) as { trackSamples?: number[] };
  const classes = data.kind === 'blobs' ? (data.classes ?? 2) : data.kind === 'mnist' && data.labels === 'digit' ? 10 : 2;
  const k = loss.kind === 'softmax-ce' || (loss.kind === 'mse' && loss.targets === 'one-hot') ? classes : 1;
  const n = data.n ?? (data.kind === 'mnist' ? 1000 : 6);
  const tracked = logging.trackSamples ?? Array.from({ length: Math.min(n, 16) }, (_, i) => i);
  const names: string[] = [...SCALAR_METRICS];
  for (const i of tracked) {
    for (let j = 0; j < k; j++) names.push(`outputs/${i}/${j}`);
    names.push(`diagonal/${i}`);
    if (k === 1 && loss.kind === 'bce') names.push(`u/${i}`);
  }
  return names;
}
