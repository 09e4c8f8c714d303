import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract/run-config';
import { describeIssues } from '../../src-main/contract/zod-issues';

const minimal = { steps: 10, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } };

function issues(value: unknown): string[] {
  const parsed = runConfigSchema.safeParse(value);
  return parsed.success ? [] : describeIssues(parsed.error);
}

describe('run config schema', () => {
  it('fills defaults so a stored config is complete', () => {
    const config = runConfigSchema.parse(minimal);
    expect(config.seed).toBe(0);
    expect(config.backend).toBe('auto');
    expect(config.model.bias).toBe(false);
    expect(config.model.parameterization).toBe('ntk');
    expect(config.loss.reduction).toBe('mean');
    expect(config.optimizer.kind).toBe('gd');
    expect(config.data).toEqual({ kind: 'circle', n: 6, labels: 'alternating' });
    expect(config.ntk.kernel).toBe('full');
    expect(config.logging.kernels).toEqual({ logSpaced: 30 });
  });

  it('rejects unknown keys at any depth, naming them', () => {
    expect(issues({ ...minimal, colour: 1 })).toEqual(['(top level): Unrecognized key: "colour"']);
    expect(issues({ ...minimal, optimizer: { lr: 0.1, momentum: 0.9 } })[0]).toMatch(/^optimizer: .*momentum/);
  });

  it('checks ranges and cross-field rules with paths', () => {
    expect(issues({ ...minimal, optimizer: { lr: -1 } })[0]).toMatch(/^optimizer\.lr:/);
    expect(issues({ ...minimal, model: { arch: 'fcn', depth: 2 } })[0]).toMatch(/give width or widths/);
    expect(issues({ ...minimal, model: { arch: 'fcn', depth: 3, widths: [4, 4] } })[0]).toMatch(/widths has 2 entries but depth is 3/);
    expect(issues({ ...minimal, model: { arch: 'resnet', depth: 2, widths: [4, 4] } })[0]).toMatch(/ResNet blocks share one width/);
    expect(issues({ ...minimal, model: { arch: 'fcn', depth: 2, width: 4, alpha: 0.5 } })[0]).toMatch(/alpha applies to ResNet only/);
    expect(issues({ ...minimal, data: { kind: 'mnist', n: 20000 } })[0]).toMatch(/^data\.n:/);
    expect(issues({ ...minimal, logging: { metrics: {} } })[0]).toMatch(/give at least one of every, logSpaced or steps/);
    expect(issues({ ...minimal, data: { kind: 'torus' } })[0]).toMatch(/^data\.kind:/);
  });
});
