// Runs one shard of a sweep into its output folder, one run at a time, each through trainToDirectory (the `train
// --out` path). Restartable: completed runs are skipped, a run left half-done by a killed process is started over
// in a clean folder (runs are deterministic given their seed), and a run another live process is working on is left
// to it. A failed run is recorded and the shard goes on; an I/O failure (full disk) stops the shard.
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CodedError, failureOf } from '../../contract/result';
import type { EngineChoice } from '../engines';
import type { RunProgress } from '../jobs/progress-meter';
import { trainToDirectory } from '../train-to-directory';
import type { ResolvedRun, ResolvedSweep } from './resolve-sweep';
import { ALL_RUNS, inShard, type Shard, shardText } from './shard';
import { claimRun } from './run-claim';
import { claimSweepDir, type RunMarker, runDir, runStatus, writeMarker } from './sweep-dir';

export type ShardEvent =
  | { readonly type: 'skip'; readonly run: ResolvedRun; readonly reason: 'done' | 'running' }
  | { readonly type: 'start'; readonly run: ResolvedRun; readonly position: number; readonly total: number }
  | { readonly type: 'progress'; readonly run: ResolvedRun; readonly progress: RunProgress }
  | { readonly type: 'end'; readonly run: ResolvedRun; readonly state: 'done' | 'failed'; readonly detail?: string };

export interface ShardOptions {
  readonly shard?: Shard;
  readonly engine?: EngineChoice;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ShardEvent) => void;
}

export interface ShardResult {
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
}

export async function runSweepShard(sweep: ResolvedSweep, dir: string, options: ShardOptions = {}): Promise<ShardResult> {
  const shard = options.shard ?? ALL_RUNS;
  const emit = options.onEvent ?? (() => undefined);
  try {
    await claimSweepDir(dir, sweep);
  } catch (error) {
    if (error instanceof CodedError && error.code !== 'io/failed') throw error;
    throw new CodedError('io/failed', `cannot use ${dir} as the sweep folder: ${(error as Error).message}`);
  }
  const mine = inShard(sweep.runs, shard);
  const result = { done: 0, skipped: 0, failed: 0 };
  for (const [position, run] of mine.entries()) {
    if (options.signal?.aborted) break;
    const status = await runStatus(dir, run);
    const claim = status.state === 'done' ? undefined : await claimRun(dir, run.id);
    // Checked again once claimed: another process may have completed it in between.
    const state = claim ? (await runStatus(dir, run)).state : status.state === 'done' ? 'done' : 'running';
    if (!claim || state === 'done') {
      await claim?.release();
      result.skipped++;
      emit({ type: 'skip', run, reason: state === 'done' ? 'done' : 'running' });
      continue;
    }
    try {
      await runClaimed(run, position);
    } finally {
      await claim.release();
    }
  }
  return result;

  async function runClaimed(run: ResolvedRun, position: number): Promise<void> {
    const marker: RunMarker = {
      index: run.index,
      id: run.id,
      name: run.name,
      axisValues: run.axisValues,
      tags: run.tags,
      sweepId: sweep.specId,
      sweepName: sweep.name,
      status: 'running',
      pid: process.pid,
      host: hostname(),
      shard: shardText(shard),
      startedAt: new Date().toISOString(),
    };
    // A half-written folder from a killed attempt is cleared first: nothing of it is reused.
    try {
      await rm(runDir(dir, run.id), { recursive: true, force: true });
      await mkdir(runDir(dir, run.id), { recursive: true });
    } catch (error) {
      throw new CodedError('io/failed', `cannot prepare ${runDir(dir, run.id)}: ${(error as Error).message}`);
    }
    await writeMarker(dir, marker);
    emit({ type: 'start', run, position, total: mine.length });
    try {
      await trainToDirectory(run.config, runDir(dir, run.id), { engine: options.engine, signal: options.signal, onProgress: (progress) => emit({ type: 'progress', run, progress }) });
    } catch (error) {
      const failure = failureOf(error);
      if (failure.code === 'io/failed') throw error;
      await writeMarker(dir, { ...marker, status: 'failed', finishedAt: new Date().toISOString(), error: failure });
      result.failed++;
      emit({ type: 'end', run, state: 'failed', detail: `[${failure.code}] ${failure.message}` });
      return;
    }
    const after = await runStatus(dir, run);
    const state = after.state === 'done' ? 'done' : 'failed';
    await writeMarker(dir, { ...marker, status: state, finishedAt: new Date().toISOString() });
    if (state === 'done') result.done++;
    else result.failed++;
    emit({ type: 'end', run, state, detail: after.detail });
  }
}
