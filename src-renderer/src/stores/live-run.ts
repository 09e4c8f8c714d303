// The run the Run view shows, streamed: runs:subscribe gives the history and lastStep, live 'runs:metrics' events
// append after it. Events that arrive before the subscribe answer are held and replayed (those at or below lastStep
// dropped), so nothing falls between history and stream. Series live in SeriesBuffers outside Vue's reactivity;
// `version` bumps when they grow, and charts redraw from it.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Events, MetricPointDto, ProgressDto } from '../../../src-main/contract/api';
import { isTerminalRunState, type RunError, type RunRecord } from '../../../src-main/contract/records';
import { sortMetricNames } from '../../../src-main/charts/metric-names';
import { describeError } from '../lib/result';
import { SeriesBuffer } from '../../../src-main/charts/series-buffer';
import { backend, call } from '../services/backend';

/** Progress of a run that is not in the job queue (finished, or not started), from its record. */
function progressOfRecord(run: RunRecord): ProgressDto | null {
  const blocks = blockProgressOf(run);
  if (blocks) return blocks;
  // An import counts checkpoints (its config lists the model files), a training run counts steps.
  const total = run.kind === 'import' ? run.config.models.length : run.kind === 'train' ? run.config.steps : null;
  if (total === null) return null;
  const done = typeof run.summary?.stepsDone === 'number' ? run.summary.stepsDone : typeof run.summary?.checkpoints === 'number' ? run.summary.checkpoints : run.status === 'done' ? total : 0;
  const elapsed = run.started !== null ? ((run.finished ?? Date.now()) - run.started) / 1000 : 0;
  return { runId: run.id, step: done, total, loss: typeof run.summary?.finalLoss === 'number' ? run.summary.finalLoss : null, elapsedSeconds: elapsed, etaSeconds: null };
}

/** A blocked import counts blocks (as its job reported them): those in its kernel files of all the checkpoints'. */
function blockProgressOf(run: RunRecord): ProgressDto | null {
  if (run.kind !== 'import' || !run.config.blocked) return null;
  const files = (run.summary?.kernelFiles ?? []) as readonly { blocks: { done: number; total: number } }[];
  if (files.length === 0) return null;
  const total = run.config.models.length * files[0].blocks.total;
  const done = files.reduce((sum, f) => sum + f.blocks.done, 0);
  const elapsed = run.started !== null ? ((run.finished ?? Date.now()) - run.started) / 1000 : 0;
  return { runId: run.id, step: done, total, loss: null, elapsedSeconds: elapsed, etaSeconds: null };
}

export const useLiveRunStore = defineStore('liveRun', () => {
  const runId = ref<number | null>(null);
  const run = shallowRef<RunRecord | null>(null);
  const progress = shallowRef<ProgressDto | null>(null);
  const names = shallowRef<readonly string[]>([]);
  /** Bumps whenever a series grows: charts watch it instead of the (non-reactive) buffers. */
  const version = ref(0);
  /** Bumps when the run records a kernel snapshot. */
  const kernelVersion = ref(0);
  const lastStep = ref(-1);
  const loading = ref(false);
  const error = shallowRef<{ code: string; message: string } | null>(null);

  let buffers = new Map<string, SeriesBuffer>();
  let historyLastStep = -1;
  let pending: MetricPointDto[][] | null = null;
  let pendingStatus: Events['runs:status'] | null = null;
  let stops: (() => void)[] = [];
  let session = 0;

  function series(name: string): SeriesBuffer | undefined {
    return buffers.get(name);
  }

  function appendPoints(points: readonly MetricPointDto[]): void {
    let grew = false;
    let newNames = false;
    for (const point of points) {
      if (point.step <= historyLastStep) continue;
      for (const [name, value] of Object.entries(point.values)) {
        let buffer = buffers.get(name);
        if (!buffer) {
          buffer = new SeriesBuffer();
          buffers.set(name, buffer);
          newNames = true;
        }
        grew = buffer.push(point.step, value) || grew;
      }
      if (point.step > lastStep.value) lastStep.value = point.step;
    }
    if (newNames) names.value = sortMetricNames(buffers.keys());
    if (grew) version.value++;
  }

  async function refreshRecord(mine: number): Promise<void> {
    if (runId.value === null) return;
    try {
      const record = await call('runs:get', { id: runId.value });
      if (mine !== session) return;
      run.value = record;
      if (isTerminalRunState(record.status)) progress.value = progressOfRecord(record) ?? progress.value;
    } catch (e) {
      if (mine === session) error.value = describeError(e);
    }
  }

  function applyStatus(status: Events['runs:status'], mine: number): void {
    if (run.value) run.value = { ...run.value, status: status.status, error: status.error as RunError | null };
    if (isTerminalRunState(status.status) || status.status === 'running') void refreshRecord(mine);
  }

  async function subscribe(id: number, mine: number): Promise<void> {
    pending ??= [];
    loading.value = true;
    try {
      const answer = await call('runs:subscribe', { id });
      if (mine !== session) return;
      buffers = new Map(Object.entries(answer.series).map(([name, dto]) => [name, SeriesBuffer.fromDto(dto)]));
      historyLastStep = answer.lastStep;
      lastStep.value = answer.lastStep;
      run.value = answer.run;
      progress.value = answer.progress ?? progressOfRecord(answer.run);
      names.value = sortMetricNames(buffers.keys());
      error.value = null;
      const held = pending ?? [];
      pending = null;
      for (const points of held) appendPoints(points);
      version.value++;
      kernelVersion.value++;
      const status = pendingStatus;
      pendingStatus = null;
      if (status && status.status !== answer.run.status) applyStatus(status, mine);
    } catch (e) {
      if (mine !== session) return;
      pending = null;
      error.value = describeError(e);
    } finally {
      if (mine === session) loading.value = false;
    }
  }

  /** Shows run `id`: listens first, then asks for the history, so no live point is lost in between. */
  async function open(id: number): Promise<void> {
    close();
    const mine = ++session;
    runId.value = id;
    pending = [];
    const connection = backend();
    stops = [
      connection.subscribe('runs:metrics', ({ runId: from, points }) => {
        if (from !== id || mine !== session) return;
        if (pending) pending.push(points);
        else appendPoints(points);
      }),
      connection.subscribe('runs:progress', (p) => {
        if (p.runId === id && mine === session) progress.value = p;
      }),
      connection.subscribe('runs:status', (status) => {
        if (status.runId !== id || mine !== session) return;
        if (pending) pendingStatus = status;
        else applyStatus(status, mine);
      }),
      connection.subscribe('runs:kernel', ({ runId: from }) => {
        if (from === id && mine === session) kernelVersion.value++;
      }),
      // Events sent while the stream was down are gone: take the history again.
      connection.onReconnect(() => {
        if (mine === session) void subscribe(id, mine);
      }),
    ];
    await connection.ready();
    if (mine === session) await subscribe(id, mine);
  }

  function close(): void {
    session++;
    for (const stop of stops) stop();
    stops = [];
    buffers = new Map();
    pending = null;
    pendingStatus = null;
    historyLastStep = -1;
    runId.value = null;
    run.value = null;
    progress.value = null;
    names.value = [];
    lastStep.value = -1;
    error.value = null;
    loading.value = false;
  }

  async function cancel(): Promise<void> {
    if (runId.value === null) return;
    run.value = await call('runs:cancel', { id: runId.value });
  }

  /** Keeps the record in step after a rename, tag or notes change made through another store. */
  function setRecord(record: RunRecord): void {
    if (record.id === runId.value) run.value = record;
  }

  return { runId, run, progress, names, version, kernelVersion, lastStep, loading, error, series, open, close, cancel, setRecord };
});
