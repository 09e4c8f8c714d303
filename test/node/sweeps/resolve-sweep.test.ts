// Sweep specs that cannot run are refused before anything starts, each problem named by its path; shard specs too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../src-main/contract/result';
import { resolveSweep } from '../../../src-main/node/sweeps/resolve-sweep';
import { inShard, parseShard, splitShard } from '../../../src-main/node/sweeps/shard';

const base = { steps: 10, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle', n: 4 } };

function problems(spec: unknown): string {
  try {
    resolveSweep(spec, 'spec.json');
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('config/invalid');
    return (error as Error).message;
  }
  throw new Error('the spec was accepted');
}

describe('resolveSweep', () => {
  it('accepts every example sweep spec', () => {
    const dir = join(process.cwd(), 'examples', 'sweeps');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(resolveSweep(JSON.parse(readFileSync(join(dir, file), 'utf8')), file).runs.length, file).toBeGreaterThan(1);
  });

  it('names an axis path the run config does not have', () => {
    expect(problems({ base, axes: { 'model.widht': [4] } })).toContain('axes.model.widht: unknown config path (model has no field "widht")');
    expect(problems({ base, axes: { colour: [1] } })).toContain('axes.colour: unknown config path (the run config has no field "colour")');
    // Fields of another data kind are unknown for this base's kind.
    expect(problems({ base, axes: { 'data.dim': [2] } })).toContain('axes.data.dim: unknown config path (data has no field "dim")');
    expect(problems({ base, axes: { 'steps.every': [2] } })).toContain('axes.steps.every: steps is 10, not an object with fields');
  });

  it('names each value the run-config schema refuses, with its axis and position', () => {
    const message = problems({ base, axes: { 'model.width': [8, -3], 'loss.kind': ['bce', 'hinge'] } });
    expect(message).toContain('axes.model.width[1] = -3: model.width: Too small');
    expect(message).toMatch(/axes\.loss\.kind\[1\] = "hinge": loss\.kind: Invalid option/);
  });

  it('refuses combinations that are invalid together, naming the run', () => {
    const message = problems({ base: { ...base, model: { arch: 'resnet', depth: 2, width: 8 } }, axes: { 'model.alpha': [0.5], 'model.arch': ['resnet', 'fcn'] } });
    expect(message).toMatch(/run ".*model\.arch=fcn.*": model\.alpha: alpha applies to ResNet only/);
  });

  it('refuses a malformed spec with the path of each problem', () => {
    const message = problems({ base, axes: { 'model.width': [] }, seeds: [1, 1], extra: true });
    expect(message).toContain('axes.model.width: Too small');
    expect(message).toContain('seeds: a seed is listed twice');
    expect(message).toContain('Unrecognized key: "extra"');
    expect(problems({ base, axes: { seed: [1, 2] }, seeds: [3] })).toContain('seeds: give seeds or an axis on seed, not both');
    expect(problems({ base, axes: { 'optimizer.lr': [0.1, 0.1] } })).toContain('axes.optimizer.lr.1: the value 0.1 is listed twice');
    expect(problems({ base: { ...base, steps: -1 } })).toContain('steps: Too small');
    expect(problems({ axes: {} })).toContain('base:');
  });

  it('refuses two runs that resolve to the same config', () => {
    // {} and {kernel: 'full'} differ as written but both resolve to the default NTK settings.
    expect(problems({ base, axes: { ntk: [{}, { kernel: 'full' }] } })).toMatch(/runs "run \[ntk=\{\}\]" and "run \[ntk=\{"kernel":"full"\}\]" resolve to the same config \(id [0-9a-f]{16}\)/);
  });
});

describe('shards', () => {
  it('parses i/N with 0 <= i < N and refuses the rest with a reason', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const [text, reason] of [
      ['3/2', 'i must be below N'],
      ['2/2', 'i must be below N'],
      ['0/0', 'N must be at least 1'],
      ['1', 'give i/N'],
      ['-1/2', 'give i/N'],
      ['a/b', 'give i/N'],
    ]) {
      expect(() => parseShard(text), text).toThrow(reason);
    }
  });

  it('deals runs round-robin, and splits a shard into finer shards that cover exactly its runs', () => {
    const runs = Array.from({ length: 10 }, (_, index) => ({ index }));
    const all = [0, 1, 2].map((i) => inShard(runs, { index: i, count: 3 }).map((r) => r.index));
    expect(all).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    const parts = splitShard({ index: 1, count: 3 }, 2).flatMap((s) => inShard(runs, s).map((r) => r.index));
    expect(parts.sort((a, b) => a - b)).toEqual([1, 4, 7]);
  });
});
