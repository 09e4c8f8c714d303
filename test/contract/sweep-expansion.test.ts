// The one sweep expansion and its run ids: SHA-256 against node:crypto, canonical JSON, the expansion order, the
// New-run form's sweeps equal to the same sweep written as a spec, and ids that do not depend on the process.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract/run-config';
import { canonicalJson, sha256Hex } from '../../src-main/contract/stable-hash';
import { axisPathsOfTags, expandSweep, runIdOf, withConfigPath } from '../../src-main/contract/sweep-expansion';
import { resolveSweep } from '../../src-main/node/sweeps/resolve-sweep';
import { plannedRuns, PRESETS, sweepSpecOf } from '../../src-renderer/src/lib/presets';

const base = { name: 'tiny', steps: 10, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle', n: 4 } };

describe('stable hash', () => {
  it('is SHA-256 (node:crypto as the reference) for ASCII, multi-byte text and every padding boundary', () => {
    const texts = ['', 'abc', 'ü€😀 ✓', ...[55, 56, 57, 63, 64, 65, 119, 120, 1000].map((n) => 'x'.repeat(n))];
    for (const text of texts) expect(sha256Hex(text), `length ${text.length}`).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('writes canonical JSON whatever the key order, dropping undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' }, e: undefined })).toBe('{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(canonicalJson(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

describe('sweep expansion', () => {
  it('crosses the axes in order, the last fastest, seeds innermost', () => {
    const runs = expandSweep({ base, axes: { 'model.width': [8, 16], 'optimizer.lr': [0.1, 0.5, 1] }, seeds: [0, 1] });
    expect(runs).toHaveLength(12);
    expect(runs.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(runs.slice(0, 3).map((r) => r.axisValues)).toEqual([
      { 'model.width': 8, 'optimizer.lr': 0.1, seed: 0 },
      { 'model.width': 8, 'optimizer.lr': 0.1, seed: 1 },
      { 'model.width': 8, 'optimizer.lr': 0.5, seed: 0 },
    ]);
    expect(runs[11].config).toMatchObject({ seed: 1, model: { width: 16 }, optimizer: { lr: 1 }, name: 'tiny [model.width=16, optimizer.lr=1, seed=1]' });
    expect(runs[11].tags).toEqual(['axis:model.width=16', 'axis:optimizer.lr=1', 'axis:seed=1']);
    expect(axisPathsOfTags(runs[11].tags)).toEqual(['model.width', 'optimizer.lr', 'seed']);
    expect(expandSweep({ base, axes: { 'model.width': [8, 16] }, seeds: [0] })).toEqual(expandSweep({ base, axes: { 'model.width': [8, 16] }, seeds: [0] }));
  });

  it('leaves the base untouched and creates missing objects on a path', () => {
    const copy = structuredClone(base);
    const config = withConfigPath(base, 'ntk.circleSweep', 21);
    expect(config.ntk).toEqual({ circleSweep: 21 });
    expect(base).toEqual(copy);
    expect(() => withConfigPath(base, 'steps.every', 2)).toThrow(/axes\.steps\.every: steps is 10/);
  });

  it('gives the New-run form the runs of the same sweep written as a spec', () => {
    const ce = PRESETS.find((p) => p.id === 'ce-vs-mse')!;
    const form = plannedRuns(ce.config, { ...ce.sweep!, seeds: [3, 4] }, 'sweep-t');
    const spec = resolveSweep(sweepSpecOf(ce.config, { ...ce.sweep!, seeds: [3, 4] }));
    expect(resolveSweep({ base: ce.config, axes: { 'model.width': ce.sweep!.widths, 'loss.kind': ce.sweep!.losses }, seeds: [3, 4] }).runs).toEqual(spec.runs);
    expect(form).toHaveLength(12);
    expect(spec.runs.map((r) => r.name)).toEqual(form.map((r) => r.name));
    expect(spec.runs.map((r) => r.tags)).toEqual(form.map((r) => r.tags.slice(1)));
    expect(spec.runs.map((r) => r.config)).toEqual(form.map((r) => runConfigSchema.parse(r.config)));
  });
});

describe('run ids', () => {
  const spec = { base, axes: { 'model.width': [8, 16], 'loss.kind': ['bce', 'mse'] }, seeds: [0, 1] };

  it('are SHA-256 of the resolved config without its name, so defaults and key order do not change them', () => {
    const { runs } = resolveSweep(spec);
    for (const run of runs) {
      const { name: _name, ...physics } = run.config;
      expect(run.id).toBe(createHash('sha256').update(canonicalJson(physics)).digest('hex').slice(0, 16));
    }
    expect(new Set(runs.map((r) => r.id)).size).toBe(8);
    // The same sweep with defaults written out and keys in another order: the same ids.
    const spelled = resolveSweep({ seeds: [0, 1], axes: { 'model.width': [8, 16], 'loss.kind': ['bce', 'mse'] }, base: { ...runConfigSchema.parse(base), name: 'other' } });
    expect(spelled.runs.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(runIdOf({ ...runs[0].config, name: 'renamed' })).toBe(runs[0].id);
  });

  it('come out the same in another process with another locale and time zone', async () => {
    const here = resolveSweep(spec).runs.map((r) => r.id);
    const script = `import('${new URL('../../src-main/node/sweeps/resolve-sweep.ts', import.meta.url).pathname}').then((m) => console.log(JSON.stringify(m.resolveSweep(${JSON.stringify(spec)}).runs.map((r) => r.id))))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' } });
    expect(JSON.parse(stdout)).toEqual(here);
  });
});
