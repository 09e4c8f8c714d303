import { describe, expect, it } from 'vitest';
import { parseConfigOf } from '../../../src-main/node/config-file';
import { applyConfigPatch } from '../../../src-main/node/store/config-patch';
import { tempStore } from './temp-store';
import { createStandInRun, trainConfig } from '../../helpers/stand-in-run';

const coded = (code: string) => expect.objectContaining({ code });

describe('store projects', () => {
  it('creates, lists, renames, annotates and refuses duplicate names', () => {
    const store = tempStore();
    const a = store.projects.create('Fig. 1', 'paper figure');
    const b = store.projects.create('  MNIST parity  ');
    expect(b.name).toBe('MNIST parity');
    expect(store.projects.list().map((p) => p.name).sort()).toEqual(['Fig. 1', 'MNIST parity']);
    expect(() => store.projects.create('Fig. 1')).toThrow(coded('store/conflict'));
    expect(() => store.projects.rename(b.id, 'Fig. 1')).toThrow(coded('store/conflict'));
    expect(() => store.projects.create('   ')).toThrow(coded('data/invalid'));
    expect(store.projects.rename(a.id, 'Figure 1').name).toBe('Figure 1');
    expect(store.projects.rename(a.id, 'Figure 1').name).toBe('Figure 1');
    expect(store.projects.setNotes(a.id, 'six points').notes).toBe('six points');
    expect(store.projects.find('Figure 1')?.id).toBe(a.id);
    expect(store.projects.freeName('Figure 1')).toBe('Figure 1 (2)');
    expect(() => store.projects.get(999)).toThrow(coded('store/not-found'));
  });

  it('deletes a project with everything its runs recorded', () => {
    const store = tempStore();
    const keep = store.projects.create('keep');
    const drop = store.projects.create('drop');
    const kept = createStandInRun(store, keep.id);
    const dropped = store.runs.create(drop.id, { kind: 'train', config: trainConfig, tags: ['x'] });
    for (const run of [kept, dropped]) {
      store.metrics.append(run.id, [{ step: 0, wallTime: 0, name: 'loss', value: 1 }]);
      store.kernels.put(run.id, { step: 0, kind: 'trace', rows: 2, data: new Float64Array([1, 0, 0, 1]) });
      store.artifacts.put(run.id, { name: 'params', kind: 'params', bytes: new Uint8Array([1, 2]) });
    }
    store.projects.delete(drop.id);
    expect(store.projects.list().map((p) => p.name)).toEqual(['keep']);
    expect(() => store.runs.get(dropped.id)).toThrow(coded('store/not-found'));
    expect(store.metrics.read(dropped.id)).toEqual({});
    expect(store.kernels.list(dropped.id)).toEqual([]);
    expect(store.artifacts.list(dropped.id)).toEqual([]);
    expect(store.metrics.read(kept.id).loss.values).toEqual(new Float64Array([1]));
    expect(store.kernels.list(kept.id)).toHaveLength(1);
    expect(store.check()).toEqual(['ok']);
    expect(() => store.projects.delete(drop.id)).toThrow(coded('store/not-found'));
  });
});

describe('store runs', () => {
  it('creates a queued training run with a validated, completed config', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const run = store.runs.create(project.id, { kind: 'train', config: trainConfig, tags: ['fig1', 'baseline'], notes: 'first' });
    expect(run).toMatchObject({ projectId: project.id, kind: 'train', status: 'queued', seed: 3, name: `run ${run.id}`, notes: 'first', started: null });
    expect(run.tags).toEqual(['baseline', 'fig1']);
    expect(run.config).toMatchObject({ backend: 'auto', ntk: { kernel: 'full' }, optimizer: { kind: 'gd', beta1: 0.9 } });
    expect(store.runs.create(project.id, { kind: 'train', config: { ...trainConfig, name: 'named' } }).name).toBe('named');
    expect(() => parseConfigOf('train', { ...trainConfig, steps: -1 })).toThrow(coded('config/invalid'));
    expect(() => createStandInRun(store, 999)).toThrow(coded('store/not-found'));
    expect(store.projects.get(project.id).runCount).toBe(2);
  });

  it('moves through the lifecycle and refuses transitions that make no sense', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const run = store.runs.create(project.id, { kind: 'train', config: trainConfig });
    expect(() => store.runs.markDone(run.id)).toThrow(coded('store/invalid-state'));
    const running = store.runs.markRunning(run.id, { name: 'wasm', tfjsVersion: '4.22.0', node: 'v20' });
    expect(running.status).toBe('running');
    expect(running.started).toBeGreaterThan(0);
    expect(running.backend).toEqual({ name: 'wasm', tfjsVersion: '4.22.0', node: 'v20' });
    expect(() => store.runs.markRunning(run.id)).toThrow(coded('store/invalid-state'));
    const done = store.runs.markDone(run.id, { status: 'diverged', finalLoss: Number.NaN, stepsDone: 40 });
    expect(done.status).toBe('done');
    expect(done.finished).toBeGreaterThanOrEqual(done.started!);
    // JSON has no NaN: it is saved as null, as in the run folder's summary.json.
    expect(done.summary).toEqual({ status: 'diverged', finalLoss: null, stepsDone: 40 });
    expect(() => store.runs.markCancelled(run.id)).toThrow(coded('store/invalid-state'));

    const failing = store.runs.create(project.id, { kind: 'train', config: trainConfig });
    store.runs.markRunning(failing.id);
    const failed = store.runs.markFailed(failing.id, { code: 'train/non-finite', message: 'loss became NaN at step 12' });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'train/non-finite', message: 'loss became NaN at step 12' } });

    const queued = store.runs.create(project.id, { kind: 'train', config: trainConfig });
    expect(store.runs.markCancelled(queued.id).status).toBe('cancelled');
    expect(() => store.runs.markRunning(12345)).toThrow(coded('store/not-found'));
  });

  it('renames, tags, untags and annotates', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const run = createStandInRun(store, project.id);
    expect(store.runs.rename(run.id, 'fcn n=6').name).toBe('fcn n=6');
    expect(store.runs.tag(run.id, 'slow').tags).toEqual(['slow']);
    expect(store.runs.tag(run.id, 'slow').tags).toEqual(['slow']);
    expect(store.runs.tag(run.id, 'a, with comma').tags).toEqual(['a, with comma', 'slow']);
    expect(store.runs.untag(run.id, 'slow').tags).toEqual(['a, with comma']);
    expect(store.runs.setNotes(run.id, 'matches the paper').notes).toBe('matches the paper');
    expect(() => store.runs.rename(run.id, '')).toThrow(coded('data/invalid'));
    expect(() => store.runs.rename(999, 'x')).toThrow(coded('store/not-found'));
  });

  it('duplicates a run with a patched config ("run again with changes")', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const other = store.projects.create('other');
    const source = store.runs.create(project.id, { kind: 'train', config: trainConfig, name: 'width 16', tags: ['sweep'] });
    store.runs.markRunning(source.id);
    store.runs.markDone(source.id, { finalLoss: 0.1 });
    store.runs.setNotes(source.id, 'not copied');

    const again = store.runs.duplicate(source.id, { configPatch: { seed: 4, model: { width: 64 } } });
    expect(again).toMatchObject({ status: 'queued', kind: 'train', seed: 4, name: 'width 16 (again)', tags: ['sweep'], notes: '', summary: null, sourceRunId: source.id });
    expect(again.config).toMatchObject({ seed: 4, model: { arch: 'fcn', depth: 2, width: 64 }, steps: 100 });

    const widths = store.runs.duplicate(source.id, { configPatch: { model: { width: null, widths: [32, 8] } }, name: 'two widths', projectId: other.id });
    expect(widths).toMatchObject({ name: 'two widths', projectId: other.id });
    expect(widths.config).toHaveProperty('model.widths', [32, 8]);
    expect(widths.config).not.toHaveProperty('model.width');

    expect(() => store.runs.duplicate(source.id, { configPatch: { model: { width: 0 } } })).toThrow(coded('config/invalid'));
    expect(store.runs.get(source.id).config).toMatchObject({ model: { width: 16 } });
  });

  it('lists a project’s runs newest first, with summary fields and a status filter', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const ids = [0, 1, 2].map((i) => store.runs.create(project.id, { kind: 'train', config: { ...trainConfig, seed: i } }).id);
    store.runs.markRunning(ids[1]);
    store.runs.markDone(ids[1], { finalAccuracy: 1 });
    const list = store.runs.list(project.id);
    expect(list.map((r) => r.id)).toEqual([...ids].reverse());
    expect(list[1]).toMatchObject({ status: 'done', summary: { finalAccuracy: 1 }, seed: 1 });
    expect((list[1].config as { seed: number }).seed).toBe(1);
    expect(store.runs.list(project.id, { status: ['queued'] }).map((r) => r.id)).toEqual([ids[2], ids[0]]);
  });

  it('keeps the circle sweep out of summaries and gives it on demand', () => {
    const store = tempStore();
    const project = store.projects.create('sweeps');
    const run = store.runs.create(project.id, { kind: 'train', config: trainConfig });
    const phis = Array.from({ length: 201 }, (_, j) => -Math.PI + (2 * Math.PI * j) / 200);
    const analytic = phis.map((phi) => Math.cos(phi) + 2);
    store.runs.markRunning(run.id, undefined, { paramCount: 48, sweepPhis: phis, sweepAnalytic: analytic });
    store.runs.markDone(run.id, { ...store.runs.get(run.id).summary, status: 'completed', sweepPhis: phis, sweepAnalytic: analytic });
    const [listed] = store.runs.list(project.id);
    expect(listed.summary).toEqual({ paramCount: 48, status: 'completed' });
    expect(store.runs.get(run.id).summary).toEqual({ paramCount: 48, status: 'completed' });
    expect(JSON.stringify(listed).length).toBeLessThan(2000);
    expect(store.runs.sweep(run.id)).toEqual({ phis, analytic });
    const plain = store.runs.create(project.id, { kind: 'train', config: trainConfig });
    expect(store.runs.sweep(plain.id)).toBeNull();
    expect(() => store.runs.sweep(999)).toThrow(coded('store/not-found'));
  });

  it('deletes a run with its metrics, kernels, artifacts and tags; duplicates lose only the link', () => {
    const store = tempStore();
    const project = store.projects.create('p');
    const run = store.runs.create(project.id, { kind: 'train', config: trainConfig, tags: ['t'] });
    const copy = store.runs.duplicate(run.id);
    store.metrics.append(run.id, [{ step: 1, wallTime: 0.5, name: 'loss', value: 0.3 }]);
    store.kernels.put(run.id, { step: 1, kind: 'full', rows: 1, data: new Float64Array([2]) });
    store.artifacts.put(run.id, { name: 'final', kind: 'params', bytes: new Uint8Array(10) });
    store.runs.delete(run.id);
    expect(() => store.runs.get(run.id)).toThrow(coded('store/not-found'));
    expect(store.metrics.read(run.id)).toEqual({});
    expect(store.kernels.list(run.id)).toEqual([]);
    expect(store.artifacts.list(run.id)).toEqual([]);
    expect(store.runs.get(copy.id).sourceRunId).toBeNull();
    expect(store.check()).toEqual(['ok']);
  });
});

describe('applyConfigPatch', () => {
  it('merges objects, replaces arrays and values, and deletes keys set to null', () => {
    const base = { a: 1, b: { c: 2, d: [1, 2] }, e: 'x' };
    expect(applyConfigPatch(base, { b: { d: [3] }, e: null, f: { g: true } })).toEqual({ a: 1, b: { c: 2, d: [3] }, f: { g: true } });
    expect(base).toEqual({ a: 1, b: { c: 2, d: [1, 2] }, e: 'x' });
  });
});
