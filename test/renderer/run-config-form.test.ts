// The New-run form's draft of the run config: defaults equal to the schema's, every preset valid under the schema,
// the draft <-> config round trip, quick checks, and the server's issue lines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract/run-config';
import { CodedError } from '../../src-main/contract/result';
import { parseRunConfig } from '../../src-main/node/config-file';
import { plannedRuns, PRESETS } from '../../src-renderer/src/lib/presets';
import { checkDraft, configFromDraft, defaultDraft, draftFromConfig, fieldOfIssue, parseConfigIssues } from '../../src-renderer/src/lib/run-config-form';

describe('defaults', () => {
  it('match the schema defaults', () => {
    const config = configFromDraft(defaultDraft());
    const parsed = runConfigSchema.parse(config);
    const bare = runConfigSchema.parse({ steps: 1000, model: { arch: 'fcn', depth: 3, width: 256 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } });
    expect(parsed).toEqual(bare);
  });
});

describe('presets', () => {
  it('are valid run configs, and every example file is a preset', () => {
    for (const preset of PRESETS) expect(() => parseRunConfig(preset.config, preset.id)).not.toThrow();
    // happy-dom gives import.meta.url a non-file scheme; vitest runs from the repository root.
    const dir = join(process.cwd(), 'examples');
    const examples = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const names = new Set(PRESETS.map((p) => p.config.name));
    for (const file of examples) expect(names, file).toContain(JSON.parse(readFileSync(join(dir, file), 'utf8')).name);
  });

  it('survive the form: draft and back parse to the same config', () => {
    for (const preset of PRESETS) {
      const again = configFromDraft(draftFromConfig(preset.config));
      expect(runConfigSchema.parse(again), preset.id).toEqual(runConfigSchema.parse(preset.config));
    }
  });

  it('expand sweeps into one valid run per combination, tagged by the sweep and by axis value', () => {
    const fig2 = PRESETS.find((p) => p.id === 'fig2');
    const runs = plannedRuns(fig2!.config, fig2!.sweep, 'sweep-x');
    expect(runs.map((r) => (r.config.model as { width: number }).width)).toEqual([200, 1000, 2000]);
    expect(runs.every((r) => r.tags[0] === 'sweep-x' && r.config.steps === 0)).toBe(true);
    expect(runs.map((r) => r.tags.slice(1))).toEqual([['axis:model.width=200'], ['axis:model.width=1000'], ['axis:model.width=2000']]);
    const ce = PRESETS.find((p) => p.id === 'ce-vs-mse');
    const six = plannedRuns(ce!.config, ce!.sweep, 'sweep-y');
    expect(six).toHaveLength(6);
    for (const run of six) expect(() => parseRunConfig(run.config)).not.toThrow();
    expect(new Set(six.map((r) => r.name)).size).toBe(6);
    expect(six.map((r) => r.axisValues)).toEqual([64, 256, 1024].flatMap((w) => ['bce', 'mse'].map((l) => ({ 'model.width': w, 'loss.kind': l }))));
    expect(plannedRuns(ce!.config, undefined, 't')).toEqual([{ index: 0, config: ce!.config, name: ce!.config.name, axisValues: {}, tags: [] }]);
  });

  it('lets sweep widths replace a per-layer widths list', () => {
    const base = { ...PRESETS[0].config, model: { arch: 'fcn' as const, depth: 2, widths: [8, 16] } };
    const runs = plannedRuns(base, { widths: [4, 32], losses: [], seeds: [] }, 't');
    expect(runs.map((r) => r.config.model)).toEqual([
      { arch: 'fcn', depth: 2, width: 4 },
      { arch: 'fcn', depth: 2, width: 32 },
    ]);
    for (const run of runs) expect(() => parseRunConfig(run.config)).not.toThrow();
  });
});

describe('checkDraft', () => {
  it('accepts the defaults and marks bad fields by config path', () => {
    expect(checkDraft(defaultDraft())).toEqual({});
    const draft = defaultDraft();
    draft.model.width = 0;
    draft.steps = null;
    draft.optimizer.lr = -1;
    draft.ntk.circleSweep = 101;
    draft.data.kind = 'mnist';
    draft.logging.metrics = { every: null, logSpaced: null, steps: '' };
    expect(Object.keys(checkDraft(draft)).sort()).toEqual(['logging.metrics', 'model.width', 'ntk.circleSweep', 'optimizer.lr', 'steps']);
  });

  it('checks per-layer widths against depth and losses against the labels', () => {
    const draft = defaultDraft();
    draft.model.perLayer = true;
    draft.model.widths = '64, 32';
    expect(checkDraft(draft)['model.widths']).toMatch(/2 widths given but depth is 3/);
    const blobs = defaultDraft();
    blobs.data.kind = 'blobs';
    blobs.data.classes = 3;
    expect(checkDraft(blobs)['loss.kind']).toMatch(/binary/);
  });
});

describe('the dynamics parts', () => {
  it('reach the config only when one is on, and come back from it', () => {
    const draft = defaultDraft();
    expect('dynamics' in configFromDraft(draft)).toBe(false);
    draft.dynamics.linearised = true;
    const config = configFromDraft(draft);
    expect(config.dynamics).toEqual({ analytic: false, linearised: true, kernel0: false });
    expect(draftFromConfig(config).dynamics).toEqual({ analytic: false, linearised: true, kernel0: false });
    expect(runConfigSchema.parse(config).dynamics).toEqual(config.dynamics);
  });

  it('are checked by the same rule as the schema, on the field the server names', () => {
    const draft = defaultDraft();
    draft.dynamics.analytic = true;
    draft.ntk.analytic = 'none';
    draft.optimizer.kind = 'adam';
    const errors = checkDraft(draft);
    const server = runConfigSchema.safeParse(configFromDraft(draft));
    expect(server.success).toBe(false);
    const serverLines = server.success ? [] : server.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(serverLines).toEqual([`dynamics: ${errors.dynamics}`, `dynamics.analytic: ${errors['dynamics.analytic']}`]);
    expect(errors.dynamics).toMatch(/optimizer adam/);
  });
});

describe('server issues', () => {
  it('parses the config/invalid message onto form fields', () => {
    let message = '';
    try {
      parseRunConfig({ steps: -1, model: { arch: 'fcn', depth: 3, width: 0 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } });
    } catch (error) {
      expect(error).toBeInstanceOf(CodedError);
      message = (error as Error).message;
    }
    const issues = parseConfigIssues(message);
    expect(Object.keys(issues).sort()).toEqual(['model.width', 'steps']);
    expect(fieldOfIssue('logging.metrics.every', ['logging', 'logging.metrics'])).toBe('logging.metrics');
    expect(fieldOfIssue('unknownKey', ['steps'])).toBe('');
    expect(parseConfigIssues('plain failure')).toEqual({ '': ['plain failure'] });
  });
});
