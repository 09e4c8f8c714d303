// The renderer's pure helpers: tensor decoding (the contract's codec, which the renderer imports), routes, config
// paths and merge patches (against the store's own patch semantics), table rows. The chart helpers it shares with
// node/ (and metric labels) are in test/charts.
import { describe, expect, it } from 'vitest';
import { decodeTensor, encodeTensor } from '../../src-main/contract/tensor-codec';
import { applyConfigPatch } from '../../src-main/node/store/config-patch';
import { appliedConfig } from '../../src-renderer/src/lib/applied-config';
import { differingPaths, flattenConfig, mergePatch } from '../../src-main/charts/config-paths';
import { lossHint } from '../../src-renderer/src/lib/loss-hint';
import { formatRoute, parseRoute, type Route } from '../../src-renderer/src/lib/routes';
import { guardFileDrops } from '../../src-renderer/src/lib/file-drop-guard';
import { matchesFilter, rowsToCsv, runRow, sortRows } from '../../src-renderer/src/lib/run-row';
import { listItem, runRecord } from './records';

describe('decodeTensor', () => {
  it('reads what the contract codec writes, float64 and float32', () => {
    const k = Float64Array.from([1.5, -2, Math.PI, 1e-300]);
    expect(Array.from(decodeTensor(encodeTensor(k, [2, 2])))).toEqual(Array.from(k));
    const f = Float32Array.from([0.25, -8]);
    expect(Array.from(decodeTensor(encodeTensor(f, [2])))).toEqual([0.25, -8]);
    expect(() => decodeTensor({ shape: [3], dtype: 'float64', data: encodeTensor(k, [4]).data })).toThrow(/needs/);
  });
});

describe('routes', () => {
  it('round-trips every place', () => {
    const routes: Route[] = [
      { name: 'projects' },
      { name: 'project', projectId: 3 },
      { name: 'new-run', projectId: 3 },
      { name: 'new-run', projectId: 3, fromRunId: 9, preset: 'fig1-small' },
      { name: 'import', projectId: 3 },
      { name: 'run', runId: 12 },
      { name: 'run', runId: 12, tab: 'kernels' },
      { name: 'compare', runIds: [1, 5] },
      { name: 'settings' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(parseRoute('#/nonsense')).toEqual({ name: 'projects' });
    expect(parseRoute('')).toEqual({ name: 'projects' });
  });
});

describe('config paths', () => {
  const a = { seed: 0, model: { arch: 'fcn', width: 256, depth: 3 }, loss: { kind: 'bce' }, logging: { trackSamples: [0, 1] } };
  const b = { seed: 1, model: { arch: 'fcn', widths: [64, 32], depth: 2 }, loss: { kind: 'bce' }, logging: { trackSamples: [0, 1] } };

  it('flattens and finds what differs', () => {
    expect(flattenConfig(a)['logging.trackSamples']).toBe('[0,1]');
    expect(differingPaths([a, b])).toEqual(['model.depth', 'model.width', 'model.widths', 'seed']);
  });

  it('writes a merge patch the store applies back into the target config', () => {
    const patch = mergePatch(a, b);
    expect(patch.model).toEqual({ width: null, widths: [64, 32], depth: 2 });
    expect(applyConfigPatch(a, patch)).toEqual(b);
    expect(mergePatch(a, a)).toEqual({});
  });
});

describe('run rows', () => {
  const rows = [runRow(listItem(runRecord(1)), runRecord(1)), runRow(listItem(runRecord(2, { status: 'failed', tags: ['sweep'] })), runRecord(2)), runRow(listItem(runRecord(3)))];

  it('reads columns from the record and summary', () => {
    expect(rows[0]).toMatchObject({ arch: 'fcn', width: '64', depth: 3, loss: 'bce', lr: 0.1, backend: 'wasm', finalLoss: 0.1 });
    expect(rows[2].arch).toBe('');
  });

  it('sorts with empty cells last in both directions', () => {
    expect(sortRows(rows, 'width', false).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(sortRows(rows, 'width', true).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortRows(rows, 'finalLoss', true).map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('filters by words and field:value', () => {
    expect(rows.filter((r) => matchesFilter(r, 'status:failed')).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, 'tag:sweep')).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, 'run 3')).map((r) => r.id)).toEqual([3]);
    expect(rows.filter((r) => matchesFilter(r, 'width:128')).map((r) => r.id)).toEqual([2]);
  });

  it('shows an import run as arch onnx with checkpoints for steps and its last relative drift', () => {
    const record = runRecord(7, { kind: 'import', status: 'done', config: { models: ['a-0.onnx', 'a-5.onnx', 'a-9.onnx'], probe: 'mnist:64' }, summary: { checkpoints: 2, finalRelDrift: 0.25 } });
    const row = runRow(listItem(record), record);
    expect(row).toMatchObject({ arch: 'onnx', steps: 3, stepsDone: 2, stepsUnit: 'checkpoints', finalDrift: 0.25, finalLoss: null, loss: '', depth: null });
    expect(matchesFilter(row, 'arch:onnx')).toBe(true);
  });

  it('exports CSV with quoting', () => {
    const csv = rowsToCsv([runRow(listItem(runRecord(1, { name: 'a, "b"' })), runRecord(1))]);
    expect(csv.split('\n')[0]).toMatch(/^id,name,status/);
    expect(csv).toContain('"a, ""b"""');
    expect(csv.split('\n')[0]).toMatch(/,created,from_run$/);
  });

  it('keeps the run a row was run again from (lineage) and writes it to the CSV', () => {
    const child = runRow(listItem(runRecord(2, { sourceRunId: 1 })), runRecord(2, { sourceRunId: 1 }));
    expect(child.sourceRunId).toBe(1);
    expect(runRow(listItem(runRecord(1)), runRecord(1)).sourceRunId).toBeNull();
    expect(rowsToCsv([child]).trim().split('\n')[1]).toMatch(/,1$/);
  });
});

describe('file drop guard', () => {
  it('stops the browser from opening files dropped outside a target, and leaves other drags alone', () => {
    const stop = guardFileDrops(window);
    const drag = (type: string, types: string[]) => {
      const event = new Event(type, { cancelable: true, bubbles: true });
      Object.defineProperty(event, 'dataTransfer', { value: { types } });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(drag('dragover', ['Files'])).toBe(true);
    expect(drag('drop', ['Files'])).toBe(true);
    expect(drag('drop', ['text/plain'])).toBe(false);
    stop();
    expect(drag('drop', ['Files'])).toBe(false);
  });
});

describe('lossHint', () => {
  it('follows the loss chosen', () => {
    expect(lossHint({ kind: 'bce', targets: 'zero-one' })).toContain('ln(1 + e^−(2y−1)f)');
    expect(lossHint({ kind: 'mse', targets: 'plus-minus' })).toBe('mse: (f − t)², t = 2y − 1 ∈ {−1, +1}');
    expect(lossHint({ kind: 'mse', targets: 'zero-one' })).not.toContain('ln');
    expect(lossHint({ kind: 'softmax-ce', targets: 'zero-one' })).toContain('softmax');
  });
});

describe('appliedConfig', () => {
  it("drops Adam's moments on a GD run, the batch size off SGD and MSE targets off other losses", () => {
    const config = { model: { width: 8 }, optimizer: { kind: 'gd', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' } };
    expect(appliedConfig(config)).toEqual({ model: { width: 8 }, optimizer: { kind: 'gd', lr: 0.1 }, loss: { kind: 'bce', reduction: 'mean' } });
    expect(config.optimizer.beta1).toBe(0.9);
  });

  it('keeps what Adam, SGD and MSE use', () => {
    const adam = { optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, batchSize: 4 }, loss: { kind: 'mse', targets: 'plus-minus' } };
    expect(appliedConfig(adam)).toEqual({ optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, loss: { kind: 'mse', targets: 'plus-minus' } });
    expect(appliedConfig({ optimizer: { kind: 'sgd', lr: 0.1, batchSize: 4, beta1: 0.9 } })).toEqual({ optimizer: { kind: 'sgd', lr: 0.1, batchSize: 4 } });
  });
});
