// The charts of the run view's Training tab, as data: which metrics each panel draws, its title, axis name and the
// marks (the paper's bound lambda_0/(2n^2) and its first crossing), and the NTK-dynamics gaps when the run has them.
// An import run shows its drift quantities against checkpoint step instead. TrainingTab.vue and node/report draw the
// same list.
import type { MarkSpec } from './line-option';
import type { MetricLine } from './metric-option';
import { DYNAMICS_METRICS, parseSampleMetric } from '../contract/metric-names';
import { metricLabel } from './metric-names';

export interface RunPanel {
  readonly id: string;
  readonly title: string;
  readonly hint: string;
  readonly lines: readonly MetricLine[];
  readonly yName: string;
  readonly marks?: readonly MarkSpec[];
  readonly note?: string;
}

export interface RunPanelInput {
  readonly kind: string | undefined;
  /** Names of the metrics the run recorded. */
  readonly names: readonly string[];
  readonly summary: Record<string, unknown> | null | undefined;
  readonly config: Record<string, unknown> | undefined;
  /** The run is still going (the bound is written at its end). */
  readonly active: boolean;
}

/** Which panels start on a log y axis (the run view's defaults; reports draw them so). */
export const DEFAULT_PANEL_YLOG: Readonly<Record<string, boolean>> = {
  loss: true,
  analytic: true,
  spectrum: true,
  norms: false,
  distance: false,
  drift: false,
  outputs: false,
  diagonal: false,
  u: true,
  accuracy: false,
  'output-change': false,
  dynamics: true,
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function runPanels(input: RunPanelInput): RunPanel[] {
  const summary = input.summary ?? {};
  const bound = num(summary.bound);
  const firstCross = num(summary.firstCrossStep);
  const analyticOn = (input.config?.ntk as { analytic?: string } | undefined)?.analytic !== 'none';
  const has = (name: string) => input.names.includes(name);
  const sampleLines = (kind: 'outputs' | 'diagonal' | 'u'): MetricLine[] =>
    input.names.filter((n) => parseSampleMetric(n)?.kind === kind).map((n) => ({ metric: n, label: metricLabel(n) }));
  const scalar = (...metrics: string[]): MetricLine[] => metrics.filter(has).map((m) => ({ metric: m, label: metricLabel(m) }));

  if (input.kind === 'import') {
    return [
      { id: 'drift', title: 'Relative kernel drift', hint: '‖K_t − K₀‖_F / ‖K₀‖_F against the first checkpoint', lines: scalar('relDrift'), yName: '‖K_t − K₀‖_F / ‖K₀‖_F' },
      { id: 'distance', title: 'Distance from the first checkpoint', hint: '‖θ_t − θ₀‖₂', lines: scalar('paramDistance'), yName: '‖θ_t − θ₀‖₂' },
      { id: 'norms', title: 'Parameter norm', hint: '‖θ_t‖₂', lines: scalar('paramNorm'), yName: '‖θ_t‖₂' },
      { id: 'spectrum', title: 'Extreme eigenvalues of K_t', hint: 'λ_min and λ_max of the kernel on the probe set', lines: scalar('lambdaMin', 'lambdaMax'), yName: 'eigenvalue' },
      { id: 'output-change', title: 'Output change', hint: '‖f_t − f₀‖_F / ‖f₀‖_F and max |f_t − f₀| over the probe outputs', lines: scalar('outputChange', 'maxAbsOutputChange'), yName: '' },
    ].filter((p) => p.lines.length > 0);
  }
  const list: RunPanel[] = [
    { id: 'loss', title: 'Loss', hint: 'training loss (mean over samples unless the config says sum)', lines: scalar('loss'), yName: 'loss' },
    { id: 'outputs', title: 'Outputs f_t(x_i)', hint: 'Fig. 1: under CE the outputs grow about linearly in log t', lines: sampleLines('outputs'), yName: 'f_t(x_i)' },
    {
      id: 'analytic',
      title: 'Distance to the analytic kernel',
      hint: "max_ij |K_t − K| against the analytic kernel, with the paper's bound λ₀/(2n²); and max_ij |K_t − K₀| for scale",
      lines: scalar('maxAbsDiffAnalytic', 'maxAbsDriftInit'),
      yName: 'max_ij |·|',
      marks: [
        ...(bound !== null ? [{ axis: 'y' as const, value: bound, label: 'bound λ₀/(2n²)' }] : []),
        // At step 0 there is nothing to mark (and no log10): the note says it instead.
        ...(firstCross !== null && firstCross > 0 ? [{ axis: 'x' as const, value: firstCross, label: `first crossing: step ${firstCross}` }] : []),
      ],
      note:
        bound === null && analyticOn
          ? input.active
            ? 'The bound λ₀/(2n²) is drawn once the run has finished.'
            : 'No bound recorded for this run.'
          : firstCross === 0
            ? 'Already above the bound at initialisation (step 0).'
            : firstCross !== null
              ? `First crosses the bound at step ${firstCross}.`
              : undefined,
    },
    { id: 'drift', title: 'Relative kernel drift', hint: '‖K_t − K₀‖_F / ‖K₀‖_F', lines: scalar('relDrift'), yName: '‖K_t − K₀‖_F / ‖K₀‖_F' },
    {
      id: 'dynamics',
      title: 'Dynamics',
      hint: 'the network against kernel GD with the analytic K (f^ntk), the linearised network (f^lin) and kernel GD with K₀, max over points and outputs; the paper: bounded under MSE, growing in t under CE',
      lines: scalar(...DYNAMICS_METRICS),
      yName: '|f_t − f*_t|',
    },
    { id: 'spectrum', title: 'Extreme eigenvalues of K_t', hint: 'λ_min stays away from 0 ⇒ outputs diverge (Theorem)', lines: scalar('lambdaMin', 'lambdaMax'), yName: 'eigenvalue' },
    { id: 'distance', title: 'Distance from initialisation', hint: '‖θ_t − θ₀‖₂ and ‖θ_t − θ₀‖∞: the parameters diverge under CE', lines: scalar('paramDistance', 'paramDistanceInf'), yName: '' },
    { id: 'norms', title: 'Parameter norm', hint: '‖θ_t‖₂', lines: scalar('paramNorm'), yName: '‖θ_t‖₂' },
    { id: 'diagonal', title: 'Diagonal K_t(x_i, x_i)', hint: 'Fig. 4: the kernel on chosen training samples', lines: sampleLines('diagonal'), yName: 'K_t(x_i, x_i)' },
    { id: 'u', title: 'u_i = |σ(f_t(x_i)) − y_i|', hint: 'how far each tracked sample is from its label', lines: sampleLines('u'), yName: 'u_i' },
    { id: 'accuracy', title: 'Accuracy', hint: 'training accuracy', lines: scalar('accuracy'), yName: 'accuracy' },
  ];
  return list.filter((p) => p.lines.length > 0);
}
