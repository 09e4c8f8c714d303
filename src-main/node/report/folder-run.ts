// A run folder as a ReportRun: what `train --out` writes (config.json, metrics.jsonl, kernels/, spectra.jsonl,
// sweep.json, params/, summary.json) or `drift --run` (config.json, drift.jsonl, summary.json). Read once, whole;
// a folder without summary.json is a run still going or cut short, and is reported as partial.
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { decodeNpy } from '../../core/io/npy';
import type { ParamSet } from '../../core/models/params';
import type { MetricsRecord } from '../../core/train/train-types';
import { CodedError } from '../../contract/result';
import { loadParams } from '../params-io';
import { metricRowsFromRecord } from '../store/metrics-record';
import type { KernelInfo, KernelMode, KernelRecord, MetricRow, MetricSeries } from '../store/types';
import type { ReportRun } from './report-run';

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodedError('io/failed', `cannot read ${path}: ${(error as Error).message}`);
  }
}

function parseJson<T>(text: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CodedError('data/invalid', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** JSON lines; a last line cut by a crash mid-append is dropped, any other bad line is an error. */
function parseLines<T>(text: string | undefined, path: string): T[] {
  if (!text) return [];
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  return lines.flatMap((line, i) => {
    try {
      return [JSON.parse(line) as T];
    } catch (error) {
      if (i === lines.length - 1 && !text.endsWith('\n')) return [];
      throw new CodedError('data/invalid', `${path} line ${i + 1} is not valid JSON: ${(error as Error).message}`);
    }
  });
}

/** Metric rows as the store's columns, ascending in step; null (JSON's non-finite) reads as NaN like the store. */
export function seriesFromRows(rows: readonly MetricRow[]): Record<string, MetricSeries> {
  const byName = new Map<string, MetricRow[]>();
  for (const row of rows) {
    const list = byName.get(row.name);
    if (list) list.push(row);
    else byName.set(row.name, [row]);
  }
  const out: Record<string, MetricSeries> = {};
  for (const [name, list] of byName) {
    const sorted = [...new Map(list.map((r) => [r.step, r])).values()].sort((a, b) => a.step - b.step);
    out[name] = {
      steps: Float64Array.from(sorted, (r) => r.step),
      wallTimes: Float64Array.from(sorted, (r) => r.wallTime),
      values: Float64Array.from(sorted, (r) => (typeof r.value === 'number' ? r.value : NaN)),
    };
  }
  return out;
}

const IMPORT_METRICS = ['paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'outputChange', 'maxAbsOutputChange'] as const;

export async function readRunFolder(dir: string): Promise<ReportRun> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new CodedError('data/not-found', `${dir} is not a run folder (no such folder)`);
  const configText = await readText(join(root, 'config.json'));
  if (configText === undefined) throw new CodedError('data/not-found', `${dir} is not a run folder (no config.json)`);
  const meta = parseJson<Record<string, unknown>>(configText, join(root, 'config.json'));
  const summaryText = await readText(join(root, 'summary.json'));
  const summary = summaryText === undefined ? {} : parseJson<Record<string, unknown>>(summaryText, join(root, 'summary.json'));
  const isImport = meta.kind === 'import';
  const started = meta.startedAt ? Date.parse(String(meta.startedAt)) : NaN;

  let rows: MetricRow[];
  const kernels = new Map<string, KernelRecord>();
  let params: { initial?: ParamSet; final?: ParamSet } = {};
  let runSummary: Record<string, unknown> = summary;
  if (isImport) {
    const entries = parseLines<Record<string, unknown>>(await readText(join(root, 'drift.jsonl')), join(root, 'drift.jsonl'));
    rows = entries.flatMap((e, i) =>
      IMPORT_METRICS.flatMap((name) => (name in e ? [{ step: typeof e.step === 'number' ? e.step : i, wallTime: 0, name, value: e[name] as number }] : [])),
    );
  } else {
    const run = (meta.run ?? {}) as { trackedSamples?: number[] };
    const records = parseLines<MetricsRecord>(await readText(join(root, 'metrics.jsonl')), join(root, 'metrics.jsonl'));
    const tracked = run.trackedSamples ?? [];
    rows = records.flatMap((r) => metricRowsFromRecord(r, tracked));
    const indexText = await readText(join(root, 'kernels', 'index.json'));
    const list = indexText ? parseJson<{ step: number; file: string; kind: KernelMode; rows: number }[]>(indexText, join(root, 'kernels', 'index.json')) : [];
    const spectra = new Map(parseLines<{ step: number; eigenvalues: number[] }>(await readText(join(root, 'spectra.jsonl')), join(root, 'spectra.jsonl')).map((s) => [s.step, s.eigenvalues]));
    const sweepText = await readText(join(root, 'sweep.json'));
    const sweep = sweepText ? parseJson<{ phis?: number[]; analytic?: number[]; steps: { step: number; values: number[] }[] }>(sweepText, join(root, 'sweep.json')) : undefined;
    const sweeps = new Map((sweep?.steps ?? []).map((s) => [s.step, s.values]));
    for (const entry of list) {
      const npy = decodeNpy(new Uint8Array(await readFile(join(root, entry.file))));
      kernels.set(`${entry.step}/${entry.kind}`, {
        step: entry.step,
        kind: entry.kind,
        rows: entry.rows,
        cols: entry.rows,
        dtype: 'float64',
        hasData: true,
        data: Float64Array.from(npy.data),
        eigenvalues: spectra.has(entry.step) ? Float64Array.from(spectra.get(entry.step) ?? []) : undefined,
        sweep: sweeps.has(entry.step) ? Float64Array.from(sweeps.get(entry.step) ?? []) : undefined,
      });
    }
    // Steps with a spectrum or sweep but no saved kernel (saveKernels: false) still count as snapshots.
    const kind = ((meta.config as { ntk?: { kernel?: KernelMode } } | undefined)?.ntk?.kernel ?? 'full') as KernelMode;
    for (const step of new Set([...spectra.keys(), ...sweeps.keys()])) {
      if ([...kernels.values()].some((k) => k.step === step)) continue;
      kernels.set(`${step}/${kind}`, {
        step,
        kind,
        rows: 0,
        cols: 0,
        dtype: 'float64',
        hasData: false,
        eigenvalues: spectra.has(step) ? Float64Array.from(spectra.get(step) ?? []) : undefined,
        sweep: sweeps.has(step) ? Float64Array.from(sweeps.get(step) ?? []) : undefined,
      });
    }
    const paramsOf = async (which: 'initial' | 'final') => ((await stat(join(root, 'params', which, 'params.json')).catch(() => undefined)) ? loadParams(join(root, 'params', which)) : undefined);
    params = { initial: await paramsOf('initial'), final: await paramsOf('final') };
    const runInfo = (meta.run ?? {}) as Record<string, unknown>;
    runSummary = { ...runInfo, ...summary, ...(sweep?.analytic ? { sweepAnalytic: sweep.analytic, sweepPhis: sweep.phis } : {}) };
  }
  const series = seriesFromRows(rows);
  const config = isImport ? meta : ((meta.config ?? {}) as Record<string, unknown>);
  const environment = (meta.environment ?? null) as Record<string, unknown> | null;
  const sortedKernels = [...kernels.values()].sort((a, b) => a.step - b.step || a.kind.localeCompare(b.kind));
  return {
    id: null,
    name: typeof config.name === 'string' && config.name ? config.name : basename(root),
    kind: isImport ? 'import' : 'train',
    status: summaryText === undefined ? 'partial' : 'done',
    partial: summaryText === undefined,
    config,
    backend: environment ? { ...environment, workbenchVersion: meta.workbenchVersion, dataset: meta.dataset } : null,
    summary: runSummary,
    notes: '',
    tags: [],
    created: Number.isFinite(started) ? started : null,
    finished: null,
    error: null,
    origin: { kind: 'folder', dir: root },
    metrics: () => series,
    kernelList: (): KernelInfo[] => sortedKernels.map(({ step, kind, rows: r, cols, dtype, hasData }) => ({ step, kind, rows: r, cols, dtype, hasData })),
    kernel: (step, kind) => kernels.get(`${step}/${kind}`),
    params: (which) => params[which],
  };
}
