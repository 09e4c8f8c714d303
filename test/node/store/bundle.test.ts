import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src-main/node/store/database';
import type { Store } from '../../../src-main/node/store/store';
import { tempDir, tempStore } from './temp-store';
import { createStandInRun, trainConfig } from '../../helpers/stand-in-run';

const coded = (code: string) => expect.objectContaining({ code });

/** A project with two runs (one a duplicate of the other), metrics, kernels, artifacts, tags and notes. */
function fillProject(store: Store, name: string, modelFile: string) {
  const project = store.projects.create(name, 'project notes');
  const first = store.runs.create(project.id, { kind: 'train', config: trainConfig, name: 'first', tags: ['a', 'b'], notes: 'run notes' });
  store.runs.markRunning(first.id, { name: 'wasm' });
  store.metrics.append(
    first.id,
    Array.from({ length: 300 }, (_, step) => ({ step, wallTime: step / 10, name: step % 2 ? 'loss' : 'accuracy', value: step === 7 ? Number.NaN : step / 3 })),
  );
  store.kernels.put(first.id, { step: 0, kind: 'full', rows: 3, data: Float64Array.from({ length: 9 }, (_, i) => i / 7), eigenvalues: new Float64Array([1, 2, 3]) });
  store.kernels.put(first.id, { step: 9, kind: 'trace', rows: 3, sweep: new Float64Array([0.5]) });
  store.artifacts.put(first.id, { name: 'initial', kind: 'params', bytes: new Uint8Array([1, 2, 3]), meta: { format: 'raw' } });
  store.artifacts.put(first.id, { name: 'model', kind: 'model', path: modelFile });
  store.runs.markDone(first.id, { finalLoss: 0.01 });
  const second = store.runs.duplicate(first.id, { configPatch: { seed: 9 } });
  store.runs.markRunning(second.id);
  return { project, first, second };
}

describe('project bundles', () => {
  it('export then import into another workspace preserves runs, metrics, kernels, artifacts, tags and notes', () => {
    const dir = tempDir();
    const modelFile = join(dir, 'net.onnx');
    writeFileSync(modelFile, 'model bytes');
    const source = tempStore(join(dir, 'a.sqlite'));
    const other = source.projects.create('unrelated');
    createStandInRun(source, other.id);
    const { project, first, second } = fillProject(source, 'Fig. 1', modelFile);

    const bundle = join(dir, 'fig1.ntkproject');
    const exported = source.exportProject(project.id, bundle);
    expect(exported).toMatchObject({ file: bundle, runs: 2, missingFiles: [] });
    expect(exported.bytes).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    // The bundle copies the model file in: the original may go away.
    rmSync(modelFile);

    const target = tempStore(join(dir, 'b.sqlite'));
    target.projects.create('already here');
    const imported = target.importProject(bundle);
    expect(imported).toMatchObject({ name: 'Fig. 1', runs: 2 });
    const p = target.projects.get(imported.projectId);
    expect(p).toMatchObject({ name: 'Fig. 1', notes: 'project notes', runCount: 2 });

    const runs = target.runs.list(p.id);
    const a = target.runs.get(runs.find((r) => r.name === 'first')!.id);
    const b = target.runs.get(runs.find((r) => r.name === 'first (again)')!.id);
    const origA = source.runs.get(first.id);
    expect(a).toMatchObject({ status: 'done', notes: 'run notes', tags: ['a', 'b'], summary: { finalLoss: 0.01 }, backend: { name: 'wasm' }, seed: 3 });
    expect(a.config).toEqual(origA.config);
    expect(a.started).toBe(origA.started);
    // A run caught running by the export cannot still be running here; the duplicate keeps its link.
    expect(b).toMatchObject({ status: 'interrupted', seed: 9, sourceRunId: a.id });
    expect(source.runs.get(second.id).status).toBe('running');

    const metricsA = target.metrics.read(a.id);
    const metricsO = source.metrics.read(first.id);
    expect(metricsA).toEqual(metricsO);
    expect(Number.isNaN(metricsA.loss.values[3])).toBe(true);
    expect(target.kernels.list(a.id)).toEqual(source.kernels.list(first.id));
    expect(target.kernels.get(a.id, 0)).toEqual(source.kernels.get(first.id, 0));
    expect(Array.from(target.kernels.get(a.id, 9)!.sweep!)).toEqual([0.5]);
    expect(target.artifacts.get(a.id, 'initial')).toMatchObject({ bytes: new Uint8Array([1, 2, 3]), meta: { format: 'raw' } });
    const model = target.artifacts.get(a.id, 'model')!;
    expect(model.path).toBeNull();
    expect(Buffer.from(model.bytes!).toString()).toBe('model bytes');
    expect(target.check()).toEqual(['ok']);
    expect(readdirSync(dir).filter((f) => f.includes('import'))).toEqual([]);
  });

  it('renames on a name clash and can import the same bundle twice', () => {
    const dir = tempDir();
    const store = tempStore(join(dir, 'w.sqlite'));
    const modelFile = join(dir, 'm.onnx');
    writeFileSync(modelFile, 'm');
    const { project } = fillProject(store, 'sweep', modelFile);
    const bundle = join(dir, 'sweep.ntkproject');
    store.exportProject(project.id, bundle);
    expect(store.importProject(bundle).name).toBe('sweep (2)');
    expect(store.importProject(bundle).name).toBe('sweep (3)');
    expect(store.projects.list().map((p) => p.runCount)).toEqual([2, 2, 2]);
    expect(store.check()).toEqual(['ok']);
  });

  it('keeps the path of an artifact file that is gone at export, and says so', () => {
    const dir = tempDir();
    const store = tempStore(join(dir, 'w.sqlite'));
    const modelFile = join(dir, 'm.onnx');
    writeFileSync(modelFile, 'm');
    const { project } = fillProject(store, 'p', modelFile);
    rmSync(modelFile);
    expect(store.exportProject(project.id, join(dir, 'p.ntkproject')).missingFiles).toEqual([modelFile]);
  });

  it('refuses files that are not bundles, and workspaces holding several projects', () => {
    const dir = tempDir();
    const store = tempStore(join(dir, 'w.sqlite'));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'x'.repeat(200));
    expect(() => store.importProject(text)).toThrow(coded('store/bad-bundle'));
    expect(() => store.importProject(join(dir, 'missing.ntkproject'))).toThrow(coded('data/not-found'));

    const foreign = join(dir, 'foreign.sqlite');
    const { db } = openDatabase(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => store.importProject(foreign)).toThrow(coded('store/bad-bundle'));

    const several = tempStore(join(dir, 'several.sqlite'));
    several.projects.create('one');
    several.projects.create('two');
    several.close();
    expect(() => store.importProject(join(dir, 'several.sqlite'))).toThrow(coded('store/bad-bundle'));
    expect(store.projects.list()).toEqual([]);
    expect(() => store.exportProject(42, join(dir, 'x.ntkproject'))).toThrow(coded('store/not-found'));
    expect(existsSync(join(dir, 'x.ntkproject'))).toBe(false);
  });
});
