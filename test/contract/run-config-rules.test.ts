// The zod-free rules against the code that acts on them: parameter counts against the parameters core initialises,
// outputs per loss against core's loss setup, dataset sizes against the loaded data, the schema's enums and
// defaults against the lists, and the expected metric names against what a real run records.
import { describe, expect, it } from 'vitest';
import { expectedMetricNames } from '../../src-main/contract/metric-names';
import { CodedError } from '../../src-main/contract/result';
import { dataSchema, type DataConfig, type ModelConfig, runConfigSchema } from '../../src-main/contract/run-config';
import { DATA_KINDS, DEFAULTS, datasetSizeOf, lossLabelsProblem, outputsFor, paramCountFor } from '../../src-main/contract/run-config-rules';
import { outputsForLoss } from '../../src-main/core/losses';
import { architectureFromConfig, initParams } from '../../src-main/core/models/architecture';
import { paramCount } from '../../src-main/core/models/params';
import { runTraining } from '../../src-main/core/train/train-run';
import { parseRunConfig } from '../../src-main/node/config-file';
import { loadData } from '../../src-main/node/data/load-data';
import { createTrainEngines } from '../../src-main/node/engines';
import { metricRowsFromRecord } from '../../src-main/node/store/metrics-record';

const model = (m: Partial<ModelConfig> & Pick<ModelConfig, 'arch' | 'depth'>): ModelConfig => ({ bias: false, parameterization: 'ntk', ...m });

describe('paramCountFor', () => {
  it.each([
    ['bias-free FCN', model({ arch: 'fcn', depth: 3, width: 256 }), 2, 1],
    ['FCN with biases', model({ arch: 'fcn', depth: 2, width: 17, bias: true }), 5, 3],
    ['FCN with a width per layer', model({ arch: 'fcn', depth: 3, widths: [40, 7, 12], bias: true }), 784, 10],
    ['ResNet', model({ arch: 'resnet', depth: 4, width: 9 }), 3, 2],
  ])('%s: equals the parameters core initialises', (_name, m, d, k) => {
    expect(paramCountFor(m, d, k)).toBe(paramCount(initParams(architectureFromConfig(m, d, k), 0)));
  });

  it('is null for widths or depth that are not positive whole numbers', () => {
    expect(paramCountFor({ arch: 'fcn', depth: NaN, width: 8 }, 2, 1)).toBeNull();
    expect(paramCountFor({ arch: 'fcn', depth: 2, width: 0 }, 2, 1)).toBeNull();
    expect(paramCountFor({ arch: 'fcn', depth: 2, widths: [8, 2.5] }, 2, 1)).toBeNull();
  });
});

describe('outputsFor', () => {
  it.each([
    [{ kind: 'bce' as const, reduction: 'mean' as const, targets: 'zero-one' as const }, 2, 1],
    [{ kind: 'mse' as const, reduction: 'mean' as const, targets: 'plus-minus' as const }, 2, 1],
    [{ kind: 'mse' as const, reduction: 'sum' as const, targets: 'one-hot' as const }, 4, 4],
    [{ kind: 'softmax-ce' as const, reduction: 'mean' as const, targets: 'zero-one' as const }, 10, 10],
  ])('%j on %i classes gives k = %i, as core sets the network up', (loss, classes, k) => {
    expect(outputsFor(loss, classes)).toBe(k);
    expect(outputsForLoss(loss, classes)).toBe(k);
  });

  it('names the problem of a one-logit loss on more than two classes, and core refuses with it', () => {
    const loss = { kind: 'mse' as const, reduction: 'mean' as const, targets: 'zero-one' as const };
    const problem = lossLabelsProblem(loss, 3);
    expect(problem).toMatch(/mse with zero-one targets needs binary labels, but the data has 3 classes/);
    expect(() => outputsForLoss(loss, 3)).toThrow(new CodedError('config/invalid', problem as string));
  });
});

describe('datasetSizeOf', () => {
  const configs: DataConfig[] = [
    dataSchema.parse({ kind: 'circle' }),
    dataSchema.parse({ kind: 'sphere', n: 7, dim: 5 }),
    dataSchema.parse({ kind: 'blobs', n: 12, dim: 3, classes: 4 }),
    dataSchema.parse({ kind: 'mnist', n: 20 }),
    dataSchema.parse({ kind: 'mnist', n: 30, labels: 'digit' }),
  ];
  it.each(configs)('%j: n, d and classes of the loaded data', async (config) => {
    const data = await loadData(config, 0);
    expect(datasetSizeOf(config)).toEqual({ n: data.n, d: data.d, classes: data.classes });
  });

  it('leaves file data to the loader', () => {
    expect(datasetSizeOf({ kind: 'file' })).toBeNull();
  });
});

describe('the schema is built from the rules', () => {
  it('has one data variant per data kind', () => {
    expect(dataSchema.options.map((o) => o.shape.kind.value).sort()).toEqual([...DATA_KINDS].sort());
  });

  it('fills the rules defaults', () => {
    const config = runConfigSchema.parse({ steps: 1, model: { arch: 'fcn', depth: 1, width: 2 }, loss: { kind: 'bce' }, optimizer: { lr: 1 }, data: { kind: 'circle' } });
    expect(config.ntk).toEqual(DEFAULTS.ntk);
    expect(config.logging).toEqual({ ...DEFAULTS.logging });
    expect(config.data).toEqual({ kind: 'circle', ...DEFAULTS.circle });
    expect(config.optimizer).toEqual({ lr: 1, ...DEFAULTS.optimizer });
    // Defaults are copied per parse: changing one config leaves the next one's untouched.
    config.logging.metrics.logSpaced = 3;
    expect(runConfigSchema.parse({ ...config, logging: undefined }).logging.metrics).toEqual(DEFAULTS.logging.metrics);
  });
});

describe('expectedMetricNames', () => {
  const recordedNames = async (input: unknown): Promise<string[]> => {
    const config = parseRunConfig(input);
    const data = await loadData(config.data, config.seed);
    const names = new Set<string>();
    let tracked: readonly number[] = [];
    await runTraining(config, data, await createTrainEngines({ engine: 'tfjs' }), {
      onStart: (info) => {
        tracked = info.trackedSamples;
      },
      onMetrics: (record) => {
        for (const row of metricRowsFromRecord(record, tracked)) names.add(row.name);
      },
    });
    return [...names].sort();
  };
  const base = { steps: 1, model: { arch: 'fcn', depth: 1, width: 4 }, optimizer: { lr: 0.1 }, logging: { metrics: { every: 1 }, kernels: { every: 1 } } };

  it.each([
    ['bce on the circle, two tracked samples', { ...base, loss: { kind: 'bce' }, data: { kind: 'circle', n: 6 }, logging: { ...base.logging, trackSamples: [0, 1] } }],
    ['softmax-ce on three blobs, default tracking', { ...base, loss: { kind: 'softmax-ce' }, data: { kind: 'blobs', n: 20, dim: 2, classes: 3 } }],
    ['one-hot mse on a small sphere', { ...base, loss: { kind: 'mse', targets: 'one-hot' }, data: { kind: 'sphere', n: 5, dim: 3 } }],
    ['bce with every dynamics part and test points (the circle sweep)', { ...base, loss: { kind: 'bce' }, data: { kind: 'circle', n: 6 }, ntk: { circleSweep: 5 }, dynamics: { analytic: true, linearised: true, kernel0: true } }],
    ['softmax-ce with the linearised network and K_0, training points only', { ...base, loss: { kind: 'softmax-ce' }, data: { kind: 'blobs', n: 9, dim: 2, classes: 3 }, ntk: { kernel: 'trace' }, dynamics: { linearised: true, kernel0: true } }],
  ])('%s: the names a run records', async (_name, input) => {
    const expected = expectedMetricNames(parseRunConfig(input));
    // maxAbsDiffAnalytic is recorded only when the analytic kernel applies; every other name must match exactly.
    expect((await recordedNames(input)).filter((n) => n !== 'maxAbsDiffAnalytic')).toEqual(expected.filter((n) => n !== 'maxAbsDiffAnalytic').sort());
  });
});
