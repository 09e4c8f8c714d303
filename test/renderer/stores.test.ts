// The renderer's stores against a scripted backend: the live run stream (history, held events, lastStep, status,
// reconnect, close), the runs list with records and events, projects, and the compare cache.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricSeriesDto, Responses } from '../../src-main/contract/api';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useCompareStore } from '../../src-renderer/src/stores/compare';
import { useLiveRunStore } from '../../src-renderer/src/stores/live-run';
import { useProjectsStore } from '../../src-renderer/src/stores/projects';
import { useRunsStore } from '../../src-renderer/src/stores/runs';
import { fakeBackend, flush } from './fake-backend';
import { runRecord } from './records';

const series = (steps: number[], values: number[]): MetricSeriesDto => ({ steps, wallTimes: steps.map(() => 0), values });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => setActivePinia(createPinia()));

describe('useLiveRunStore', () => {
  it('holds events that arrive before the history, drops those at or below lastStep, appends the rest', async () => {
    const answer = deferred<Responses['runs:subscribe']>();
    const backend = fakeBackend({ 'runs:subscribe': () => answer.promise });
    installBackend(backend);
    const live = useLiveRunStore();
    const opening = live.open(7);
    await flush();
    // Live points before the subscribe answer: step 20 is in the history too, 30 is new.
    backend.emit('runs:metrics', { runId: 7, points: [{ step: 20, wallTime: 1, values: { loss: 0.5 } }] });
    backend.emit('runs:metrics', { runId: 7, points: [{ step: 30, wallTime: 2, values: { loss: 0.4, 'outputs/0/0': 1.5 } }] });
    backend.emit('runs:metrics', { runId: 8, points: [{ step: 40, wallTime: 2, values: { loss: 9 } }] });
    answer.resolve({ run: runRecord(7, { status: 'running' }), series: { loss: series([0, 10, 20], [0.7, 0.6, 0.5]) }, lastStep: 20, progress: null });
    await opening;
    const loss = live.series('loss');
    expect(Array.from(loss!.steps.subarray(0, loss!.length))).toEqual([0, 10, 20, 30]);
    expect(live.series('outputs/0/0')?.length).toBe(1);
    expect(live.names).toEqual(['loss', 'outputs/0/0']);
    const version = live.version;
    backend.emit('runs:metrics', { runId: 7, points: [{ step: 40, wallTime: 3, values: { loss: null } }] });
    expect(live.series('loss')?.length).toBe(5);
    expect(live.series('loss')?.lastValue).toBeNaN();
    expect(live.version).toBeGreaterThan(version);
    expect(live.lastStep).toBe(40);
  });

  it('follows progress and status, and re-reads the record when the run ends', async () => {
    const backend = fakeBackend({
      'runs:subscribe': () => ({ run: runRecord(3, { status: 'running', summary: null }), series: {}, lastStep: -1, progress: null }),
      'runs:get': () => runRecord(3, { status: 'done' }),
    });
    installBackend(backend);
    const live = useLiveRunStore();
    await live.open(3);
    backend.emit('runs:progress', { runId: 3, step: 50, total: 100, loss: 0.2, elapsedSeconds: 1, etaSeconds: 1 });
    expect(live.progress?.step).toBe(50);
    backend.emit('runs:status', { runId: 3, status: 'done', error: null });
    expect(live.run?.status).toBe('done');
    await flush();
    expect(backend.calls.some((c) => c.channel === 'runs:get')).toBe(true);
    expect(live.run?.summary?.bound).toBe(0.02);
    expect(live.progress).toMatchObject({ step: 100, total: 100 });
  });

  it('subscribes again after the event stream reconnects, and stops listening on close', async () => {
    let answers = 0;
    const backend = fakeBackend({
      'runs:subscribe': () => {
        answers++;
        return { run: runRecord(2), series: { loss: series([0, 1], [1, answers]) }, lastStep: 1, progress: null };
      },
    });
    installBackend(backend);
    const live = useLiveRunStore();
    await live.open(2);
    backend.reconnect();
    await flush();
    expect(answers).toBe(2);
    expect(live.series('loss')?.lastValue).toBe(2);
    live.close();
    expect(backend.listenerCount('runs:metrics')).toBe(0);
    expect(live.series('loss')).toBeUndefined();
    expect(live.runId).toBeNull();
  });

  it('reports a failed subscribe with its code', async () => {
    installBackend(fakeBackend({ 'runs:subscribe': () => ({ ok: false, code: 'store/not-found', message: 'run 99 does not exist' }) }));
    const live = useLiveRunStore();
    await live.open(99);
    expect(live.error).toEqual({ code: 'store/not-found', message: 'run 99 does not exist' });
  });
});

describe('useRunsStore', () => {
  it('loads the list with each record, and follows status and progress events', async () => {
    const records = [runRecord(1), runRecord(2, { status: 'running' })];
    const backend = fakeBackend({
      'runs:list': () => [...records],
      'runs:get': ({ id }) => records.find((r) => r.id === id)!,
    });
    installBackend(backend);
    const runs = useRunsStore();
    const stop = runs.listen();
    await runs.load(1);
    expect(runs.rows.map((r) => [r.id, r.width, r.backend])).toEqual([
      [1, '64', 'wasm'],
      [2, '128', 'wasm'],
    ]);
    backend.emit('runs:progress', { runId: 2, step: 5, total: 10, loss: 1, elapsedSeconds: 1, etaSeconds: 1 });
    expect(runs.progress.get(2)?.step).toBe(5);
    records[1] = runRecord(2, { status: 'failed', error: { code: 'train/non-finite', message: 'loss became NaN' } });
    backend.emit('runs:status', { runId: 2, status: 'failed', error: { code: 'train/non-finite', message: 'loss became NaN' } });
    expect(runs.items.find((i) => i.id === 2)?.status).toBe('failed');
    await flush();
    expect(runs.records.get(2)?.status).toBe('failed');
    stop();
    expect(backend.listenerCount('runs:status')).toBe(0);
  });

  it('deletes what it can and reports the rest with their codes', async () => {
    const backend = fakeBackend({
      'runs:list': () => [runRecord(1), runRecord(2)],
      'runs:get': ({ id }) => runRecord(id),
      'runs:delete': ({ id }) => (id === 2 ? { ok: false, code: 'store/invalid-state', message: 'run 2 is running' } : { deleted: true }),
    });
    installBackend(backend);
    const runs = useRunsStore();
    await runs.load(1);
    const failures = await runs.remove([1, 2]);
    expect(failures).toEqual([{ id: 2, code: 'store/invalid-state', message: 'run 2 is running' }]);
    expect(runs.items.map((i) => i.id)).toEqual([2]);
  });

  it('starts runs with their config, name and tags', async () => {
    const backend = fakeBackend({ 'runs:start': ({ projectId, name }) => runRecord(5, { projectId, name: name ?? '' }) });
    installBackend(backend);
    const runs = useRunsStore();
    await runs.start(1, { steps: 1, model: { arch: 'fcn', depth: 1, width: 2 }, loss: { kind: 'bce' }, optimizer: { lr: 1 }, data: { kind: 'circle' } }, 'first', ['t']);
    expect(backend.calls[0]).toMatchObject({ channel: 'runs:start', request: { projectId: 1, name: 'first', tags: ['t'] } });
  });
});

describe('useProjectsStore', () => {
  it('keeps the list sorted by last update through create, rename and delete', async () => {
    const p = (id: number, updated: number, name = `p${id}`) => ({ id, name, notes: '', created: 0, updated, runCount: 0 });
    const backend = fakeBackend({
      'projects:list': () => [p(1, 10), p(2, 20)],
      'projects:create': ({ name }) => p(3, 30, name),
      'projects:rename': ({ id, name }) => p(id, 40, name),
      'projects:delete': () => ({ deleted: true }),
    });
    installBackend(backend);
    const projects = useProjectsStore();
    await projects.load();
    expect(projects.list.map((x) => x.id)).toEqual([2, 1]);
    await projects.create('new');
    await projects.rename(1, 'renamed');
    expect(projects.list.map((x) => x.name)).toEqual(['renamed', 'new', 'p2']);
    await projects.remove(3);
    expect(projects.byId.has(3)).toBe(false);
  });
});

describe('useCompareStore', () => {
  it('fetches only the series it lacks, once per run and name', async () => {
    const backend = fakeBackend({
      'runs:get': ({ id }) => runRecord(id),
      'runs:metrics': ({ names }) => ({ series: Object.fromEntries((names ?? []).map((n) => [n, series([0, 1], [1, 2])])) }),
    });
    installBackend(backend);
    const compare = useCompareStore();
    await compare.open([1, 2]);
    await compare.ensure(['loss']);
    await compare.ensure(['loss', 'relDrift']);
    const metricCalls = backend.calls.filter((c) => c.channel === 'runs:metrics').map((c) => c.request);
    expect(metricCalls).toEqual([
      { id: 1, names: ['loss'] },
      { id: 2, names: ['loss'] },
      { id: 1, names: ['relDrift'] },
      { id: 2, names: ['relDrift'] },
    ]);
    expect(compare.get(2, 'relDrift')?.length).toBe(2);
  });
});
