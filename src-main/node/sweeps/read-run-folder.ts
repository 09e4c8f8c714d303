// Reads a finished `train --out` run folder (run-output/run-writer.ts) back into what the workspace store records for
// a run: the config, backend, summary, metric rows, kernel snapshots (with spectra and circle sweeps) and the
// initial and final parameters. The inverse of the writer; merge uses it to fold folders from any machine in.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeNpy } from '../../core/io/npy';
import type { MetricsRecord } from '../../core/train/train-types';
import { CodedError } from '../../contract/result';
import type { RunConfig } from '../../contract/run-config';
import type { KernelMode } from '../../contract/run-config-rules';
import { encodeParamsArtifact, type ParamsMeta } from '../jobs/params-artifact';
import { loadParams } from '../params-io';
import { metricRowsFromRecord } from '../store/metrics-record';
import type { KernelInput, MetricRow, RunBackend } from '../store/types';

export interface FolderRun {
  readonly config: RunConfig;
  readonly backend: RunBackend;
  /** What the store's sink keeps as a finished run's summary: start info, the run summary, the circle sweep. */
  readonly summary: Record<string, unknown>;
  readonly completed: boolean;
  readonly metrics: MetricRow[];
  readonly kernels: KernelInput[];
  readonly params: { readonly name: string; readonly bytes: Uint8Array; readonly meta: ParamsMeta }[];
}

interface RunMeta {
  readonly config: RunConfig;
  readonly environment: RunBackend;
  readonly workbenchVersion?: string;
  readonly dataset?: { readonly n: number };
  readonly run: { readonly trackedSamples: number[]; readonly outputs: number } & Record<string, unknown>;
}

async function text(dir: string, file: string, optional = false): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodedError('data/not-found', `${dir} is not a complete run folder: cannot read ${file} (${(error as Error).message})`);
  }
}

function json<T>(dir: string, file: string, content: string): T {
  try {
    return JSON.parse(content) as T;
  } catch (error) {
    throw new CodedError('data/invalid', `${join(dir, file)} is not valid JSON: ${(error as Error).message}`);
  }
}

const lines = <T>(dir: string, file: string, content: string | undefined): T[] =>
  (content ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => json<T>(dir, file, line));

const floats = (values: readonly (number | null)[] | undefined): Float64Array | undefined => values && Float64Array.from(values, (v) => v ?? Number.NaN);

export async function readRunFolder(dir: string): Promise<FolderRun> {
  const meta = json<RunMeta>(dir, 'config.json', (await text(dir, 'config.json'))!);
  const summary = json<Record<string, unknown>>(dir, 'summary.json', (await text(dir, 'summary.json'))!);
  const records = lines<MetricsRecord>(dir, 'metrics.jsonl', await text(dir, 'metrics.jsonl'));
  const tracked = meta.run.trackedSamples;
  const metrics = records.flatMap((record) => metricRowsFromRecord(record, tracked));

  const index = json<{ step: number; file: string; kind: KernelMode; rows: number }[]>(dir, 'kernels/index.json', (await text(dir, 'kernels/index.json', true)) ?? '[]');
  const spectra = new Map(lines<{ step: number; eigenvalues: (number | null)[] }>(dir, 'spectra.jsonl', await text(dir, 'spectra.jsonl', true)).map((s) => [s.step, s.eigenvalues]));
  const sweepText = await text(dir, 'sweep.json', true);
  const sweep = sweepText ? json<{ phis?: number[]; analytic?: number[]; steps: { step: number; values: (number | null)[] }[] }>(dir, 'sweep.json', sweepText) : undefined;
  const sweepAt = new Map((sweep?.steps ?? []).map((s) => [s.step, s.values]));
  const kind = meta.config.ntk.kernel;
  const rows = kind === 'trace' ? (meta.dataset?.n ?? 0) : (meta.dataset?.n ?? 0) * meta.run.outputs;
  const steps = [...new Set([...index.map((k) => k.step), ...spectra.keys(), ...sweepAt.keys()])].sort((a, b) => a - b);
  const kernels: KernelInput[] = [];
  for (const step of steps) {
    const entry = index.find((k) => k.step === step);
    const data = entry ? decodeNpy(new Uint8Array(await readFile(join(dir, entry.file)))).data : undefined;
    kernels.push({
      step,
      kind: entry?.kind ?? kind,
      rows: entry?.rows ?? rows,
      data: data ? Float64Array.from(data) : undefined,
      eigenvalues: floats(spectra.get(step) ?? undefined),
      sweep: floats(sweepAt.get(step)),
    });
  }

  const params = await Promise.all(
    (['initial', 'final'] as const).map(async (which) => ({ name: `params/${which}`, ...encodeParamsArtifact(await loadParams(join(dir, 'params', which))) })),
  );
  const { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound } = meta.run;
  const started = { architecture, paramCount, outputs, stepEngine, matmulEngine, lambda0, bound, sweepPhis: sweep?.phis, sweepAnalytic: sweep?.analytic };
  return {
    config: meta.config,
    backend: { ...meta.environment, workbenchVersion: meta.workbenchVersion, dataset: meta.dataset },
    summary: { ...started, ...summary },
    completed: summary.status === 'completed',
    metrics,
    kernels,
    params,
  };
}
