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

describe('the dynamics block', () => {
  it('is absent unless given, fills each part with false, and round-trips through JSON', () => {
    expect('dynamics' in runConfigSchema.parse(minimal)).toBe(false);
    const config = runConfigSchema.parse({ ...minimal, dynamics: { linearised: true } });
    expect(config.dynamics).toEqual({ analytic: false, linearised: true, kernel0: false });
    const full = runConfigSchema.parse({ ...minimal, ntk: { circleSweep: 21 }, dynamics: { analytic: true, linearised: true, kernel0: true } });
    expect(runConfigSchema.parse(JSON.parse(JSON.stringify(full)))).toEqual(full);
    expect(runConfigSchema.parse({ ...minimal, dynamics: {} }).dynamics).toEqual({ analytic: false, linearised: false, kernel0: false });
  });

  it('rejects unknown parts and refuses what kernel GD cannot follow, naming the field', () => {
    expect(issues({ ...minimal, dynamics: { nngp: true } })[0]).toMatch(/^dynamics: .*nngp/);
    expect(issues({ ...minimal, optimizer: { kind: 'adam', lr: 0.01 }, dynamics: { kernel0: true } })).toEqual([
      'dynamics: the dynamics comparison follows full-batch gradient descent; optimizer adam has no kernel-GD counterpart: use optimizer.kind "gd"',
    ]);
    expect(issues({ ...minimal, optimizer: { kind: 'sgd', lr: 0.01 }, dynamics: { linearised: true } })[0]).toMatch(/^dynamics: .*optimizer sgd/);
    expect(issues({ ...minimal, ntk: { analytic: 'none' }, dynamics: { analytic: true } })).toEqual([
      'dynamics.analytic: dynamics.analytic needs the analytic kernel, but ntk.analytic is "none": set it to "derived" or "printed"',
    ]);
    expect(issues({ ...minimal, model: { arch: 'fcn', depth: 2, width: 8, parameterization: 'standard' }, dynamics: { analytic: true } })[0]).toMatch(/^dynamics\.analytic: .*NTK parameterisation/);
    // Parts left off ask nothing: SGD and no analytic kernel are fine without a dynamics part.
    expect(issues({ ...minimal, optimizer: { kind: 'sgd', lr: 0.01 }, ntk: { analytic: 'none' }, dynamics: { analytic: false } })).toEqual([]);
    expect(issues({ ...minimal, ntk: { analytic: 'none' }, dynamics: { linearised: true, kernel0: true } })).toEqual([]);
  });
});
