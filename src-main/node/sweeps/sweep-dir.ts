// The on-disk layout of a sweep's output folder, shared by every shard, machine and Slurm task that writes into it:
//   DIR/sweep.json              the resolved sweep (spec, its id, the runs in order with their ids, names, axis values)
//   DIR/<run-id>/               one run in the `train --out` format (run-output/run-writer.ts), plus
//   DIR/<run-id>/sweep-run.json who runs or ran it (pid, host, shard), its sweep metadata and how the attempt ended
//   DIR/claims/<run-id>         held while a process runs it (run-claim.ts).
// A run is done when its summary.json says completed; a 'running' marker of a dead process on this host is stale.
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../contract/result';
import type { Json } from '../../contract/stable-hash';
import { writeFileAtomic } from '../atomic-write';
import { processAlive } from '../store/lock-holders';
import { toJson } from '../run-output/run-writer';
import type { ResolvedSweep } from './resolve-sweep';

export const SWEEP_FILE = 'sweep.json';
export const MARKER_FILE = 'sweep-run.json';
const SWEEP_FORMAT = 'ntk-workbench/sweep@1';

/** sweep.json: enough to list, check and merge the runs without the spec file. */
export interface SweepRecord {
  readonly format: typeof SWEEP_FORMAT;
  readonly specId: string;
  readonly name: string;
  readonly axes: readonly string[];
  readonly spec: unknown;
  readonly runs: readonly SweepRunInfo[];
}

export interface SweepRunInfo {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly axisValues: Readonly<Record<string, Json>>;
  readonly tags: readonly string[];
}

/** sweep-run.json, rewritten at the start and at the end of each attempt. */
export interface RunMarker extends SweepRunInfo {
  readonly sweepId: string;
  readonly sweepName: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly pid: number;
  readonly host: string;
  readonly shard: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export type RunState = 'done' | 'running' | 'failed' | 'missing';

export interface RunStatus {
  readonly run: SweepRunInfo;
  readonly state: RunState;
  /** Who runs it (running), why it failed (failed). */
  readonly detail?: string;
}

export const runDir = (dir: string, id: string): string => join(dir, id);

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodedError('io/failed', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CodedError('data/invalid', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export function sweepRecordOf(sweep: ResolvedSweep): SweepRecord {
  return {
    format: SWEEP_FORMAT,
    specId: sweep.specId,
    name: sweep.name,
    axes: sweep.axes,
    spec: sweep.spec,
    runs: sweep.runs.map(({ index, id, name, axisValues, tags }) => ({ index, id, name, axisValues, tags })),
  };
}

export async function readSweepRecord(dir: string): Promise<SweepRecord | undefined> {
  const record = await readJson<SweepRecord>(join(dir, SWEEP_FILE));
  if (record !== undefined && (record.format !== SWEEP_FORMAT || !Array.isArray(record.runs)))
    throw new CodedError('data/invalid', `${join(dir, SWEEP_FILE)} is not a sweep record (${SWEEP_FORMAT})`);
  return record;
}

/** Writes DIR/sweep.json, or checks that the one there is the same spec (shards of one sweep share DIR). */
export async function claimSweepDir(dir: string, sweep: ResolvedSweep): Promise<void> {
  const existing = await readSweepRecord(dir);
  if (existing) {
    if (existing.specId !== sweep.specId)
      throw new CodedError('config/invalid', `${dir} holds the sweep "${existing.name}" (spec ${existing.specId}), not this spec (${sweep.specId}); use another --out`);
    return;
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CodedError('io/failed', `cannot create the sweep folder ${dir}: ${(error as Error).message}`);
  }
  // Shards starting together may both write it: the content is identical and the write is atomic.
  await writeFileAtomic(join(dir, SWEEP_FILE), `${toJson(sweepRecordOf(sweep), 2)}\n`);
}

export const readMarker = (dir: string, id: string): Promise<RunMarker | undefined> => readJson<RunMarker>(join(runDir(dir, id), MARKER_FILE));

export async function writeMarker(dir: string, marker: RunMarker): Promise<void> {
  await writeFileAtomic(join(runDir(dir, marker.id), MARKER_FILE), `${toJson(marker, 2)}\n`);
}

/** Where one run stands in DIR. */
export async function runStatus(dir: string, run: SweepRunInfo): Promise<RunStatus> {
  const summary = await readJson<{ status?: string; reason?: string }>(join(runDir(dir, run.id), 'summary.json'));
  if (summary?.status === 'completed') return { run, state: 'done' };
  const marker = await readMarker(dir, run.id);
  if (summary) return { run, state: 'failed', detail: `${summary.status}${summary.reason ? `: ${summary.reason}` : ''}` };
  if (!marker) return { run, state: 'missing' };
  if (marker.status === 'failed') return { run, state: 'failed', detail: marker.error ? `[${marker.error.code}] ${marker.error.message}` : 'failed' };
  const here = marker.host === hostname();
  if (marker.status === 'running' && here && !processAlive(marker.pid))
    return { run, state: 'failed', detail: `interrupted: process ${marker.pid} (shard ${marker.shard}) is gone; the next sweep of this shard reruns it` };
  return { run, state: 'running', detail: `pid ${marker.pid} on ${marker.host}, shard ${marker.shard}, since ${marker.startedAt}` };
}

/** Every run of the sweep in DIR with its state, in sweep order. */
export async function sweepStatus(dir: string): Promise<{ record: SweepRecord; runs: RunStatus[] }> {
  const record = await readSweepRecord(dir);
  if (!record) throw new CodedError('data/not-found', `${dir} has no ${SWEEP_FILE}: not a sweep output folder`);
  return { record, runs: await Promise.all(record.runs.map((run) => runStatus(dir, run))) };
}
