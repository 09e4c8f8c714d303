// Everything a run report shows, gathered once from a ReportRun: tables (config, environment, provenance, summary,
// per-checkpoint drift for imports), every chart of the run view as SVG through the shared option builders
// (src-main/charts), kernel heatmaps block-averaged for display, and the command that reruns it. The HTML and PDF
// writers only lay this out.
import { formatNumber } from '../../charts/format';
import { flattenConfig } from '../../charts/config-paths';
import { kernelTrioOptions } from '../../charts/heatmap-option';
import { circleSweepOption, defaultSweepSteps, spectrumOption } from '../../charts/kernel-options';
import { metricChartOption } from '../../charts/metric-option';
import { DEFAULT_PANEL_YLOG, runPanels } from '../../charts/run-panels';
import type { XMode } from '../../charts/chart-points';
import { downsampleSquare } from '../service/downsample';
import type { KernelRecord, MetricSeries } from '../store/types';
import { toJson } from '../run-output/run-writer';
import type { ChartOption } from '../../charts/chart-option';
import { renderChartSvg, type SvgSize } from './chart-svg';
import { reportEnvironment } from './environment';
import { dataProvenance } from './provenance';
import { rerunCommand } from './rerun-command';
import { type ReportRun, runLabel } from './report-run';

export interface ReportOptions {
  /** Kernel steps whose K_0 / K_t / K_t - K_0 heatmaps are shown; default the last step with a stored kernel. */
  readonly kernelSteps?: readonly number[];
  /** Points per line after LTTB thinning (the CSV and .npy exports keep every point). */
  readonly maxPoints?: number;
  /** Heatmaps are block-averaged to at most this many rows (<= 256). */
  readonly heatmapRows?: number;
  readonly xMode?: XMode;
}

export const REPORT_DEFAULTS = { maxPoints: 600, heatmapRows: 64, xMode: 'log10' as XMode };
export const HEATMAP_ROWS_LIMIT = 256;

export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly hint: string;
  readonly svg: string;
  /** Drawn size in CSS pixels (the PDF keeps the aspect ratio). */
  readonly size: SvgSize;
  /** The option it was drawn from (figures re-render it at another size and write its data). */
  readonly option: ChartOption;
  readonly note?: string;
}

export interface ReportTable {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface RunReportModel {
  readonly title: string;
  readonly label: string;
  readonly status: string;
  readonly partial: boolean;
  readonly notes: string;
  readonly warnings: readonly string[];
  readonly summary: ReportTable;
  readonly config: ReportTable;
  readonly configJson: string;
  readonly environment: ReportTable;
  readonly provenance: ReportTable;
  readonly extraTables: readonly ReportTable[];
  readonly charts: readonly ReportChart[];
  readonly kernelCharts: readonly ReportChart[];
  readonly rerun: string;
  readonly generated: string;
}

const LINE_SIZE: SvgSize = { width: 640, height: 300 };
const HEATMAP_SIZE: SvgSize = { width: 300, height: 270 };

/** A chart's option with its SVG at `size`. */
export const drawn = (option: ChartOption, size: SvgSize) => ({ option, size, svg: renderChartSvg(option, size) });

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const show = (v: unknown): string => (typeof v === 'number' ? formatNumber(v, 6) : v === undefined || v === null ? '—' : String(v));

function lastValue(series: MetricSeries | undefined): number | null {
  if (!series) return null;
  for (let i = series.values.length - 1; i >= 0; i--) if (Number.isFinite(series.values[i])) return series.values[i];
  return null;
}

function summaryTable(run: ReportRun, metrics: Record<string, MetricSeries>): ReportTable {
  const s = run.summary;
  const rows: [string, string][] = [['status', `${run.status}${run.partial ? ' (partial: what was committed so far)' : ''}`]];
  if (run.kind === 'import') {
    rows.push(['checkpoints', show(s.checkpoints ?? metrics.relDrift?.steps.length)]);
    rows.push(['final relative drift ‖K_t − K₀‖_F / ‖K₀‖_F', show(num(s.finalRelDrift) ?? lastValue(metrics.relDrift))]);
    rows.push(['final parameter distance ‖θ_t − θ₀‖₂', show(num(s.finalParamDistance) ?? lastValue(metrics.paramDistance))]);
    return { title: 'Summary', headers: ['quantity', 'value'], rows };
  }
  const bound = num(s.bound);
  rows.push(['λ₀ = λ_min of the analytic kernel', show(num(s.lambda0))]);
  rows.push(['bound λ₀/(2n²)', show(bound)]);
  rows.push(['first step where max|K_t − K| crosses the bound', num(s.firstCrossStep) !== null ? show(s.firstCrossStep) : bound !== null ? 'not crossed' : '—']);
  rows.push(['sup_t max|K_t − K|', show(num(s.supMaxAbsDiffAnalytic))]);
  rows.push(['steps done', show(num(s.stepsDone) ?? lastStep(metrics))]);
  rows.push(['final loss', show(num(s.finalLoss) ?? lastValue(metrics.loss))]);
  rows.push(['final accuracy', show(num(s.finalAccuracy) ?? lastValue(metrics.accuracy))]);
  rows.push(['final relative drift ‖K_t − K₀‖_F / ‖K₀‖_F', show(num(s.finalRelDrift) ?? lastValue(metrics.relDrift))]);
  rows.push(['final parameter distance ‖θ_t − θ₀‖₂', show(lastValue(metrics.paramDistance))]);
  if (num(s.wallSeconds) !== null) rows.push(['wall time (s)', show(s.wallSeconds)]);
  return { title: 'Summary', headers: ['quantity', 'value'], rows };
}

function lastStep(metrics: Record<string, MetricSeries>): number | null {
  const steps = Object.values(metrics).map((m) => (m.steps.length > 0 ? m.steps[m.steps.length - 1] : -1));
  return steps.length > 0 ? Math.max(...steps) : null;
}

function environmentTable(run: ReportRun): ReportTable {
  const b = run.backend ?? {};
  const s = run.summary;
  const recorded: [string, string][] = [
    ['run: workbench', show(b.workbenchVersion)],
    ['run: backend', `${show(b.name)}${b.tfjsVersion ? ` (tfjs ${String(b.tfjsVersion)})` : ''}`],
    ['run: engines', [s.stepEngine, s.matmulEngine].filter(Boolean).map(String).join(', ') || '—'],
    ['run: node, platform', `${show(b.node)}, ${show(b.platform)}`],
    ['run: architecture', `${show(s.architecture)}${num(s.paramCount) !== null ? `, ${formatNumber(s.paramCount as number)} parameters` : ''}`],
  ];
  const here = reportEnvironment().map(([k, v]) => [`report: ${k}`, v] as [string, string]);
  return { title: 'Environment', headers: ['', ''], rows: [...recorded.filter(([, v]) => v !== '—' && v !== '—, —'), ...here] };
}

function importTables(run: ReportRun, metrics: Record<string, MetricSeries>): ReportTable[] {
  const s = run.summary;
  const model = (s.model ?? {}) as Record<string, unknown>;
  const freeze = Array.isArray(run.config.freeze) ? (run.config.freeze as string[]) : [];
  const modelTable: ReportTable = {
    title: 'Model',
    headers: ['', ''],
    rows: [
      ['producer', show(model.producer)],
      ['opset', show(model.opset)],
      ['parameters', show(model.paramCount)],
      ['frozen parameters', freeze.length > 0 ? freeze.join(', ') : 'none'],
      ['input shape', Array.isArray(model.inputShape) ? `[${(model.inputShape as number[]).join(', ')}]` : '—'],
      ['outputs', show(model.outputs)],
      ['skipped output op', show(model.skippedOutputOp ?? 'none')],
      ['kernel', show(s.kernel ?? run.config.kernel)],
      ['probe set', typeof s.probe === 'object' && s.probe ? JSON.stringify(s.probe) : show(run.config.probe)],
    ],
  };
  const columns = ['paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'outputChange'].filter((c) => metrics[c]);
  const steps = [...new Set(columns.flatMap((c) => Array.from(metrics[c].steps)))].sort((a, b) => a - b);
  const files = new Map(((s.files ?? []) as { file: string; step: number }[]).map((f) => [f.step, f.file]));
  const at = (name: string, step: number) => {
    const m = metrics[name];
    const i = Array.prototype.indexOf.call(m.steps, step) as number;
    return i >= 0 ? show(m.values[i]) : '—';
  };
  const drift: ReportTable = {
    title: 'Per-checkpoint drift',
    headers: ['step', 'file', ...columns],
    rows: steps.map((step) => [String(step), files.get(step) ?? '', ...columns.map((c) => at(c, step))]),
  };
  return [modelTable, drift];
}

function kernelCharts(run: ReportRun, options: Required<Omit<ReportOptions, 'kernelSteps'>> & { kernelSteps?: readonly number[] }, warnings: string[]): ReportChart[] {
  const list = run.kernelList();
  if (list.length === 0) {
    warnings.push('This run logged no kernel snapshots: no heatmaps, circle sweep or spectrum.');
    return [];
  }
  const charts: ReportChart[] = [];
  const stored = list.filter((k) => k.hasData);
  if (stored.length === 0) warnings.push('This run did not store its kernel matrices (logging.saveKernels off): no heatmaps.');
  else {
    const first = stored[0];
    const wanted = options.kernelSteps && options.kernelSteps.length > 0 ? options.kernelSteps : [stored[stored.length - 1].step];
    const missing = wanted.filter((s) => !stored.some((k) => k.step === s));
    if (missing.length > 0) warnings.push(`No stored kernel at step ${missing.join(', ')} (stored: ${stored.map((k) => k.step).join(', ')}).`);
    const k0 = run.kernel(first.step, first.kind) as KernelRecord;
    const shown0 = downsampleSquare(k0.data as Float64Array, k0.rows, options.heatmapRows);
    for (const step of wanted.filter((s) => !missing.includes(s))) {
      const info = stored.find((k) => k.step === step) ?? first;
      const kt = run.kernel(step, info.kind) as KernelRecord;
      const shownT = downsampleSquare(kt.data as Float64Array, kt.rows, options.heatmapRows);
      if (shownT.size !== shown0.size) {
        warnings.push(`The kernel at step ${step} has ${kt.rows} rows, K₀ ${k0.rows}: no difference drawn.`);
        continue;
      }
      const trio = kernelTrioOptions(shown0.data, shownT.data, shownT.size, shownT.factor);
      const averaged = shownT.factor > 1 ? ` (block means of ${shownT.factor} x ${shownT.factor}: ${kt.rows} rows shown as ${shownT.size})` : '';
      const hint = `${kt.kind} kernel, sample-major${averaged}`;
      charts.push({ id: `heatmap-k0-${step}`, title: `K₀ (step ${first.step})`, hint, ...drawn(trio.k0, HEATMAP_SIZE) });
      charts.push({ id: `heatmap-kt-${step}`, title: `K_t (step ${step})`, hint, ...drawn(trio.kt, HEATMAP_SIZE) });
      charts.push({ id: `heatmap-diff-${step}`, title: `K_t − K₀ (step ${step})`, hint: `max |K_t − K₀| = ${formatNumber(trio.maxAbs)} on the shown matrix`, ...drawn(trio.diff, HEATMAP_SIZE) });
    }
  }
  const snapshots = list.map((k) => {
    const record = run.kernel(k.step, k.kind);
    return { step: k.step, eigenvalues: record?.eigenvalues ?? null, sweep: record?.sweep ?? null };
  });
  const sweepSteps = snapshots.filter((s) => s.sweep && s.sweep.length > 1).map((s) => s.step);
  const analytic = Array.isArray(run.summary.sweepAnalytic) ? (run.summary.sweepAnalytic as number[]) : null;
  if (run.kind !== 'import' && sweepSteps.length > 0) {
    const option = circleSweepOption(snapshots, defaultSweepSteps(sweepSteps), analytic);
    charts.push({ id: 'sweep', title: 'NTK on the circle (Fig. 2/3)', hint: `K_t((1,0), (cos φ, sin φ)) at steps ${defaultSweepSteps(sweepSteps).join(', ')}${analytic ? ', analytic dashed' : ''}`, ...drawn(option, LINE_SIZE) });
  }
  if (snapshots.some((s) => s.eigenvalues && s.eigenvalues.length > 0)) {
    charts.push({ id: 'spectrum-all', title: run.kind === 'import' ? 'Spectrum of K_t across checkpoints' : 'Spectrum of K_t over training', hint: 'every eigenvalue of the Gram at each kernel step', ...drawn(spectrumOption(snapshots, options.xMode), LINE_SIZE) });
  }
  return charts;
}

export async function buildRunReport(run: ReportRun, reportOptions: ReportOptions = {}): Promise<RunReportModel> {
  const options = {
    maxPoints: reportOptions.maxPoints ?? REPORT_DEFAULTS.maxPoints,
    heatmapRows: Math.min(HEATMAP_ROWS_LIMIT, Math.max(1, reportOptions.heatmapRows ?? REPORT_DEFAULTS.heatmapRows)),
    xMode: reportOptions.xMode ?? REPORT_DEFAULTS.xMode,
    kernelSteps: reportOptions.kernelSteps,
  };
  const metrics = run.metrics();
  const names = Object.keys(metrics);
  const warnings: string[] = [];
  if (run.partial) warnings.push(`Partial report: the run is ${run.status}; it shows what was committed when the report was made.`);
  if (run.error) warnings.push(`The run failed${run.error.code ? ` [${run.error.code}]` : ''}: ${run.error.message}`);
  const source = (name: string) => {
    const m = metrics[name];
    return m ? { steps: m.steps, values: m.values, length: m.steps.length } : undefined;
  };
  const charts: ReportChart[] = runPanels({ kind: run.kind, names, summary: run.summary, config: run.config, active: run.partial }).map((panel) => ({
    id: panel.id,
    title: panel.title,
    hint: panel.hint,
    note: panel.note,
    ...drawn(
      metricChartOption({
        lines: panel.lines,
        source,
        xMode: options.xMode,
        yLog: DEFAULT_PANEL_YLOG[panel.id] ?? false,
        yName: panel.yName,
        smoothing: 0,
        marks: panel.marks ?? [],
        maxPoints: options.maxPoints,
      }),
      LINE_SIZE,
    ),
  }));
  if (names.length === 0) warnings.push('This run has no recorded metrics yet.');
  const flat = flattenConfig(run.config);
  const label = runLabel(run);
  return {
    title: `${run.kind === 'import' ? 'Import run' : 'Run'} report: ${label}`,
    label,
    status: run.status,
    partial: run.partial,
    notes: run.notes,
    warnings,
    summary: summaryTable(run, metrics),
    config: { title: 'Configuration', headers: ['field', 'value'], rows: Object.entries(flat) },
    configJson: toJson(run.config, 2),
    environment: environmentTable(run),
    provenance: { title: 'Data provenance', headers: ['', ''], rows: await dataProvenance(run) },
    extraTables: run.kind === 'import' ? importTables(run, metrics) : [],
    charts,
    kernelCharts: kernelCharts(run, options, warnings),
    rerun: rerunCommand(run),
    generated: new Date().toISOString(),
  };
}
