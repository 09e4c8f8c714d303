// Metrics as data files that keep every point (no thinning): CSV in long form (run, step, wall_time, name, value;
// one row per point, like TensorBoard's scalar export), CSV in wide form (one row per step, one column per
// metric) and JSON. Numbers are written in JavaScript's shortest round-trip form, so parsing gives the stored doubles
// back exactly; NaN is written NaN in CSV and null in JSON.
import { csvField } from '../../charts/plotted-csv';
import { toJson } from '../run-output/run-writer';
import type { MetricSeries } from '../store/types';
import { type ReportRun, runLabel } from './report-run';

const csvNumber = (v: number): string => (Number.isNaN(v) ? 'NaN' : String(v));

export function metricsLongCsv(runs: readonly { label: string; metrics: Record<string, MetricSeries> }[]): string {
  const lines = ['run,step,wall_time,name,value'];
  for (const run of runs) {
    const label = csvField(run.label);
    for (const name of Object.keys(run.metrics).sort()) {
      const m = run.metrics[name];
      const field = csvField(name);
      for (let i = 0; i < m.steps.length; i++) lines.push(`${label},${m.steps[i]},${csvNumber(m.wallTimes[i])},${field},${csvNumber(m.values[i])}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One row per (run, step) any metric logged; a metric without a point at that step leaves its cell empty. */
export function metricsWideCsv(runs: readonly { label: string; metrics: Record<string, MetricSeries> }[]): string {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const lines = [['run', 'step', 'wall_time', ...names].map(csvField).join(',')];
  for (const run of runs) {
    const rows = new Map<number, { wall: number; cells: string[] }>();
    names.forEach((name, column) => {
      const m = run.metrics[name];
      if (!m) return;
      for (let i = 0; i < m.steps.length; i++) {
        let row = rows.get(m.steps[i]);
        if (!row) {
          row = { wall: m.wallTimes[i], cells: names.map(() => '') };
          rows.set(m.steps[i], row);
        }
        row.cells[column] = csvNumber(m.values[i]);
      }
    });
    const label = csvField(run.label);
    for (const step of [...rows.keys()].sort((a, b) => a - b)) {
      const row = rows.get(step) as { wall: number; cells: string[] };
      lines.push(`${label},${step},${csvNumber(row.wall)},${row.cells.join(',')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The runs' records and every metric point as JSON: {format, runs: [{id, name, kind, status, config, summary, metrics}]}. */
export function metricsJson(runs: readonly ReportRun[]): string {
  return `${toJson(
    {
      format: 'ntk-workbench/metrics@1',
      runs: runs.map((run) => ({
        id: run.id,
        name: runLabel(run),
        kind: run.kind,
        status: run.status,
        partial: run.partial,
        config: run.config,
        summary: run.summary,
        metrics: Object.fromEntries(Object.entries(run.metrics()).map(([name, m]) => [name, { steps: m.steps, wallTimes: m.wallTimes, values: m.values }])),
      })),
    },
    2,
  )}\n`;
}
