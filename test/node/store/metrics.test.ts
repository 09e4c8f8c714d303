import { describe, expect, it } from 'vitest';
import type { MetricsRecord } from '../../../src-main/core/train/train-types';
import { metricRowsFromRecord } from '../../../src-main/node/store/metrics-record';
import type { MetricRow } from '../../../src-main/node/store/types';
import { tempStore } from './temp-store';
import { createStandInRun } from '../../helpers/stand-in-run';

function newRun() {
  const store = tempStore();
  const project = store.projects.create('p');
  return { store, runId: createStandInRun(store, project.id).id };
}

describe('store metrics', () => {
  it('appends batches and reads each metric back as float64 columns in step order', () => {
    const { store, runId } = newRun();
    const steps = 250;
    for (let start = 0; start < steps; start += 50) {
      const rows: MetricRow[] = [];
      for (let step = start; step < start + 50; step++) {
        rows.push({ step, wallTime: step / 7, name: 'loss', value: 1 / (step + 1) });
        rows.push({ step, wallTime: step / 7, name: 'accuracy', value: Math.sin(step) });
      }
      // Shuffled within the batch: the order of arrival must not matter.
      store.metrics.append(runId, rows.reverse());
    }
    const read = store.metrics.read(runId);
    expect(Object.keys(read).sort()).toEqual(['accuracy', 'loss']);
    expect(read.loss.steps).toBeInstanceOf(Float64Array);
    expect(read.loss.steps).toEqual(Float64Array.from({ length: steps }, (_, i) => i));
    expect(read.loss.values).toEqual(Float64Array.from({ length: steps }, (_, i) => 1 / (i + 1)));
    expect(read.accuracy.wallTimes).toEqual(Float64Array.from({ length: steps }, (_, i) => i / 7));
    expect(store.metrics.names(runId)).toEqual(['accuracy', 'loss']);
    expect(store.metrics.lastStep(runId)).toBe(steps - 1);
  });

  it('filters by names and fromStep, and keeps NaN, infinities and denormals', () => {
    const { store, runId } = newRun();
    // -0 reads back as 0: the driver binds integral numbers as SQLite integers, which have no sign of zero.
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, Number.MIN_VALUE, 1e308];
    store.metrics.append(
      runId,
      special.flatMap((value, step) => [
        { step, wallTime: step, name: 'x', value },
        { step, wallTime: step, name: 'y', value: step },
      ]),
    );
    const all = store.metrics.read(runId, { names: ['x'] });
    expect(Object.keys(all)).toEqual(['x']);
    expect(Array.from(all.x.values)).toEqual(special);
    const tail = store.metrics.read(runId, { fromStep: 4 });
    expect(Array.from(tail.y.steps)).toEqual([4, 5]);
    expect(Array.from(tail.x.values)).toEqual([Number.MIN_VALUE, 1e308]);
    expect(store.metrics.read(runId, { names: ['nope'] })).toEqual({});
  });

  it('replaces a point appended twice, and writes a batch whole or not at all', () => {
    const { store, runId } = newRun();
    store.metrics.append(runId, [{ step: 3, wallTime: 1, name: 'loss', value: 0.5 }]);
    store.metrics.append(runId, [{ step: 3, wallTime: 2, name: 'loss', value: 0.25 }]);
    expect(store.metrics.read(runId).loss).toEqual({ steps: new Float64Array([3]), wallTimes: new Float64Array([2]), values: new Float64Array([0.25]) });
    const bad = [{ step: 4, wallTime: 3, name: 'loss', value: 1 }, { step: -1, wallTime: 3, name: 'loss', value: 1 }];
    expect(() => store.metrics.append(runId, bad)).toThrow(expect.objectContaining({ code: 'data/invalid' }));
    expect(store.metrics.lastStep(runId)).toBe(3);
    expect(() => store.metrics.append(999, [{ step: 0, wallTime: 0, name: 'loss', value: 1 }])).toThrow(expect.objectContaining({ code: 'store/not-found' }));
  });

  it('writes batches larger than one multi-row statement (and their odd tails)', () => {
    const { store, runId } = newRun();
    const rows = Array.from({ length: 64 * 3 + 5 }, (_, step) => ({ step, wallTime: 0, name: 'm', value: step * 2 }));
    store.metrics.append(runId, rows);
    expect(store.metrics.read(runId).m.values).toEqual(Float64Array.from(rows, (r) => r.value));
  });
});

describe('metricRowsFromRecord', () => {
  it('names scalars by field and per-sample entries by training index', () => {
    const record: MetricsRecord = {
      step: 10,
      wallTime: 1.5,
      kernelStep: true,
      loss: 0.2,
      accuracy: 1,
      outputs: [[0.1, -0.1], [0.3, 0.4]],
      u: [0.5, 0.25],
      paramNorm: 3,
      paramDistance: 0.1,
      paramDistanceInf: 0.01,
      relDrift: 0.02,
      maxAbsDriftInit: 0.03,
      lambdaMin: 0.5,
      lambdaMax: 2,
      condition: 4,
      diagonal: [1.5, 1.6],
      spectrumMethod: 'full',
    };
    const rows = metricRowsFromRecord(record, [4, 9]);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r.value]));
    expect(byName).toEqual({
      loss: 0.2,
      accuracy: 1,
      paramNorm: 3,
      paramDistance: 0.1,
      paramDistanceInf: 0.01,
      relDrift: 0.02,
      maxAbsDriftInit: 0.03,
      lambdaMin: 0.5,
      lambdaMax: 2,
      condition: 4,
      'outputs/4/0': 0.1,
      'outputs/4/1': -0.1,
      'outputs/9/0': 0.3,
      'outputs/9/1': 0.4,
      'u/4': 0.5,
      'u/9': 0.25,
      'diagonal/4': 1.5,
      'diagonal/9': 1.6,
    });
    expect(rows.every((r) => r.step === 10 && r.wallTime === 1.5)).toBe(true);
  });
});
