// Reports over several runs. A comparison: overlays of the chosen metrics (runs grouped by the config fields that
// differ other than seeds, mean with a band when a group has several seeds), a table of final metrics and one of the
// config fields that differ. A project report: the project's runs table and a section per run. Both reuse the
// Compare view's line builder (src-main/charts/compare-lines) and the run report for each section.
import { type CompareRun, compareLines } from '../../charts/compare-lines';
import { differingPaths, flattenConfig } from '../../charts/config-paths';
import { formatDate, formatNumber } from '../../charts/format';
import { colorAt, lineChartOption } from '../../charts/line-option';
import { metricLabel } from '../../charts/metric-names';
import { SeriesBuffer } from '../../charts/series-buffer';
import type { MetricSeries } from '../store/types';
import { type ReportRun, runLabel } from './report-run';
import { buildRunReport, drawn, type ReportChart, type ReportOptions, type ReportTable, REPORT_DEFAULTS, type RunReportModel } from './run-report';

export interface CompareReportModel {
  readonly title: string;
  readonly generated: string;
  readonly warnings: readonly string[];
  /** Paragraphs of prose under the title (what an experiment shows, how to read it). */
  readonly notes?: readonly string[];
  readonly tables: readonly ReportTable[];
  readonly charts: readonly ReportChart[];
  readonly runs: readonly RunReportModel[];
}

export interface CompareOptions extends ReportOptions {
  /** Metrics to overlay; default those of DEFAULT_OVERLAYS that some run recorded. */
  readonly metrics?: readonly string[];
}

export const DEFAULT_OVERLAYS = ['loss', 'relDrift', 'maxAbsDiffAnalytic', 'paramDistance', 'lambdaMin', 'accuracy'] as const;
const SEED_PATHS = /(^|\.)seed$|^name$/;
const SIZE = { width: 640, height: 320 };

const show = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? formatNumber(v, 6) : '—');

function lastFinite(series: MetricSeries | undefined): number | undefined {
  if (!series) return undefined;
  for (let i = series.values.length - 1; i >= 0; i--) if (Number.isFinite(series.values[i])) return series.values[i];
  return undefined;
}

const bufferOf = (series: MetricSeries | undefined): SeriesBuffer | undefined => {
  if (!series) return undefined;
  const buffer = new SeriesBuffer(Math.max(64, series.steps.length));
  for (let i = 0; i < series.steps.length; i++) buffer.push(series.steps[i], series.values[i]);
  return buffer;
};

function finalMetricsTable(runs: readonly ReportRun[], metrics: readonly Record<string, MetricSeries>[]): ReportTable {
  return {
    title: 'Final metrics',
    headers: ['run', 'status', 'final loss', 'accuracy', '‖K_t − K₀‖_F / ‖K₀‖_F', 'λ₀', 'bound λ₀/(2n²)', 'first crossing', '‖θ_t − θ₀‖₂'],
    rows: runs.map((run, i) => {
      const s = run.summary;
      const m = metrics[i];
      return [
        runLabel(run),
        `${run.status}${run.partial ? ' (partial)' : ''}`,
        show(s.finalLoss ?? lastFinite(m.loss)),
        show(s.finalAccuracy ?? lastFinite(m.accuracy)),
        show(s.finalRelDrift ?? lastFinite(m.relDrift)),
        show(s.lambda0),
        show(s.bound),
        typeof s.firstCrossStep === 'number' ? String(s.firstCrossStep) : typeof s.bound === 'number' ? 'not crossed' : '—',
        show(lastFinite(m.paramDistance)),
      ];
    }),
  };
}

export async function buildCompareReport(runs: readonly ReportRun[], options: CompareOptions = {}): Promise<CompareReportModel> {
  const metrics = runs.map((r) => r.metrics());
  const configs = runs.map((r) => r.config);
  const differing = differingPaths(configs);
  const flat = configs.map((c) => flattenConfig(c));
  const groupPaths = differing.filter((p) => !SEED_PATHS.test(p));
  const groupOf = (i: number) => (groupPaths.length > 0 ? groupPaths.map((p) => `${p}=${flat[i][p] ?? '∅'}`).join(', ') : 'all runs');
  const groups = new Set(runs.map((_, i) => groupOf(i)));
  const grouped = groups.size < runs.length;
  const wanted = options.metrics ?? DEFAULT_OVERLAYS.filter((m) => metrics.some((r) => r[m]));
  const warnings = runs.filter((r) => r.partial).map((r) => `${runLabel(r)} is ${r.status}: its curves stop at what was committed.`);
  const xMode = options.xMode ?? REPORT_DEFAULTS.xMode;
  const charts: ReportChart[] = wanted.map((metric) => {
    const compareRuns: CompareRun[] = runs.map((run, i) => ({ id: run.id ?? i, label: runLabel(run), group: groupOf(i), color: colorAt(i), y: bufferOf(metrics[i][metric]) }));
    const yLog = metric === 'loss' || metric === 'maxAbsDiffAnalytic';
    const lines = compareLines(compareRuns, { xMode, yLog, smoothing: 0, grouped, band: 'sd', maxPoints: options.maxPoints ?? REPORT_DEFAULTS.maxPoints });
    const option = lineChartOption({ lines, x: { name: xMode === 'log10' ? 'log₁₀ step' : 'step' }, y: { name: metricLabel(metric), log: yLog }, legend: true });
    const hint = grouped ? `mean ± sd over seeds, grouped by ${groupPaths.join(', ') || 'nothing'}` : 'one line per run';
    return { id: `overlay-${metric}`, title: metricLabel(metric), hint, ...drawn(option, SIZE) };
  });
  const configTable: ReportTable = {
    title: 'Config fields that differ',
    headers: ['field', ...runs.map(runLabel)],
    rows: differing.map((p) => [p, ...flat.map((f) => f[p] ?? '∅')]),
  };
  const sections: RunReportModel[] = [];
  for (const run of runs) sections.push(await buildRunReport(run, options));
  return {
    title: `Comparison of ${runs.length} runs`,
    generated: new Date().toISOString(),
    warnings,
    tables: [finalMetricsTable(runs, metrics), differing.length > 0 ? configTable : { ...configTable, rows: [['(none: the configs are identical)', ...runs.map(() => '')]] }],
    charts,
    runs: sections,
  };
}

export async function buildProjectReport(project: { name: string; notes: string }, runs: readonly ReportRun[], options: ReportOptions = {}): Promise<CompareReportModel> {
  const metrics = runs.map((r) => r.metrics());
  const index: ReportTable = {
    title: `Runs of project "${project.name}"`,
    headers: ['id', 'name', 'kind', 'status', 'created', 'final loss', '‖K_t − K₀‖_F / ‖K₀‖_F', 'λ₀', 'tags'],
    rows: runs.map((run, i) => [
      run.id === null ? '' : String(run.id),
      runLabel(run),
      run.kind,
      run.status,
      formatDate(run.created),
      show(run.summary.finalLoss ?? lastFinite(metrics[i].loss)),
      show(run.summary.finalRelDrift ?? lastFinite(metrics[i].relDrift)),
      show(run.summary.lambda0),
      run.tags.join(', '),
    ]),
  };
  const sections: RunReportModel[] = [];
  for (const run of runs) sections.push(await buildRunReport(run, options));
  return {
    title: `Project report: ${project.name}`,
    generated: new Date().toISOString(),
    warnings: [...(project.notes ? [project.notes] : []), ...(runs.length === 0 ? ['This project has no runs.'] : [])],
    tables: [index],
    charts: [],
    runs: sections,
  };
}
