import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src-main/core/io/npy';
import { analyticNtk } from '../../src-main/core/ntk/analytic';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { runCli } from '../helpers/cli';

const workspace = mkdtempSync(join(tmpdir(), 'ntk-cli-ws-'));
const cli = (args: string[]) => runCli(args, { NTK_WORKSPACE: workspace });

describe('ntk-workbench CLI', () => {
  it('prints help listing the commands', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/train/);
    expect(stdout).toMatch(/analytic/);
  });

  it("'help <command>' prints that command's usage, like '<command> --help'", async () => {
    for (const command of ['train', 'analytic']) {
      const help = await cli(['help', command]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^ntk-workbench ${command} --`));
      expect(help.stdout).toBe((await cli([command, '--help'])).stdout);
    }
    const unknown = await cli(['help', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'nope'/);
  });

  it('rejects a bad config with exit 2 and messages that name each problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    const config = join(dir, 'bad.json');
    await writeFile(config, JSON.stringify({ steps: -1, model: { arch: 'fcn', depth: 2, width: 0, colour: 'red' }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } }));
    const { code, stderr } = await cli(['train', '--config', config, '--out', join(dir, 'out')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/config\/invalid/);
    expect(stderr).toMatch(/steps:/);
    expect(stderr).toMatch(/model\.width:/);
    expect(stderr).toMatch(/colour/);
  });

  it('rejects invalid JSON and a missing file with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    await writeFile(join(dir, 'broken.json'), '{"steps": 3,');
    const broken = await cli(['train', '--config', join(dir, 'broken.json'), '--out', dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
    const missing = await cli(['train', '--config', join(dir, 'nope.json'), '--out', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read config/);
  });

  it('analytic writes JSON {kernel, settings} and .npy that equal the library kernel', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    const inputs = [
      [1, 0],
      [0.5, 0.5],
      [-0.3, 0.9],
    ];
    await writeFile(join(dir, 'x.json'), JSON.stringify({ inputs }));
    const json = await cli(['analytic', '--arch', 'fcn', '--depth', '3', '--bias', '--inputs', join(dir, 'x.json'), '--out', join(dir, 'k.json')]);
    expect(json.code).toBe(0);
    const out = JSON.parse(await readFile(join(dir, 'k.json'), 'utf8'));
    const expected = analyticNtk({ arch: 'fcn', depth: 3, bias: true, form: 'derived' }, Float64Array.from(inputs.flat()), 3, 2);
    expect(out.kernel.length).toBe(3);
    out.kernel.flat().forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i], 12));
    expect(out).toMatchObject({ arch: 'fcn', depth: 3, bias: true, form: 'derived', n: 3 });

    const npy = await cli(['analytic', '--arch', 'resnet', '--depth', '2', '--alpha', '0.5', '--inputs', join(dir, 'x.json'), '--out', join(dir, 'k.npy')]);
    expect(npy.code).toBe(0);
    const array = decodeNpy(new Uint8Array(await readFile(join(dir, 'k.npy'))));
    expect(array.shape).toEqual([3, 3]);
    const resnet = analyticNtk({ arch: 'resnet', depth: 2, bias: true, alpha: 0.5, form: 'derived' }, Float64Array.from(inputs.flat()), 3, 2);
    Array.from(array.data).forEach((v, i) => expect(v).toBeCloseTo(resnet[i], 12));
  });

  it('analytic refuses contradictory or missing options with usage and exit 2', async () => {
    const both = await cli(['analytic', '--arch', 'fcn', '--depth', '2', '--bias', '--no-bias', '--inputs', 'x.json', '--out', 'k.json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--bias or --no-bias/);
    const arch = await cli(['analytic', '--arch', 'cnn', '--depth', '2']);
    expect(arch.code).toBe(2);
    expect(arch.stderr).toMatch(/--arch must be fcn or resnet/);
  });

  it('analytic names the ragged sample and the shape every sample must have', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    await writeFile(join(dir, 'x.json'), JSON.stringify({ inputs: [[1, 0], [0, 1], [0.5]] }));
    const { code, stderr } = await cli(['analytic', '--arch', 'fcn', '--depth', '2', '--inputs', join(dir, 'x.json'), '--out', join(dir, 'k.json')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[data\/invalid\]: .*inputs\[2\] should be an array of 2 \(ragged inputs: every sample must have the first sample's shape \[2\]\)/);
    expect(stderr).not.toContain('[3, 2]');
  });

  it('train runs a tiny config end to end and reports completion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    const config = join(dir, 'run.json');
    await writeFile(config, JSON.stringify({ steps: 20, model: { arch: 'fcn', depth: 1, width: 16 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' }, logging: { metrics: { every: 5 }, kernels: { every: 10 } } }));
    const { code, stdout } = await cli(['train', '--config', config, '--out', join(dir, 'out'), '--quiet']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/completed: 20 steps/);
    const lines = (await readFile(join(dir, 'out', 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBe(5);
    const runId = Number(/recorded as run (\d+) in project "CLI runs"/.exec(stdout)?.[1]);
    const store = openStore(storePathIn(workspace));
    try {
      const stored = store.runs.get(runId);
      expect(stored.status).toBe('done');
      expect(stored.tags).toContain('cli');
      expect(store.metrics.read(runId, { names: ['loss'] }).loss.steps.length).toBe(5);
    } finally {
      store.close();
    }
  });

  it('train with a dynamics block writes the gaps into the run folder and the store, and refuses what kernel GD cannot follow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-'));
    // examples/dynamics-small.json made tiny: the same blocks, 20 steps at m = 16.
    const example = JSON.parse(await readFile(join(__dirname, '..', '..', 'examples', 'dynamics-small.json'), 'utf8'));
    const tiny = { ...example, steps: 20, model: { ...example.model, width: 16 }, ntk: { ...example.ntk, circleSweep: 9 }, logging: { ...example.logging, metrics: { every: 10 }, kernels: { steps: [0] } } };
    const config = join(dir, 'run.json');
    await writeFile(config, JSON.stringify(tiny));
    const { code, stdout } = await cli(['train', '--config', config, '--out', join(dir, 'out'), '--quiet']);
    expect(code).toBe(0);
    const records = (await readFile(join(dir, 'out', 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    const gaps = ['gapAnalytic', 'gapAnalyticTest', 'gapLinear', 'gapLinearTest', 'gapKernel0', 'gapKernel0Test'];
    expect(records.map((r) => r.step)).toEqual([0, 10, 20]);
    for (const name of gaps) {
      expect(records[0][name]).toBe(0);
      expect(records[2][name]).toBeGreaterThan(0);
    }
    const runId = Number(/recorded as run (\d+) in project "CLI runs"/.exec(stdout)?.[1]);
    const store = openStore(storePathIn(workspace));
    try {
      const series = store.metrics.read(runId, { names: gaps });
      for (const name of gaps) expect(Array.from(series[name].steps)).toEqual([0, 10, 20]);
    } finally {
      store.close();
    }

    await writeFile(config, JSON.stringify({ ...tiny, ntk: { ...tiny.ntk, analytic: 'none' } }));
    const refused = await cli(['train', '--config', config, '--out', join(dir, 'refused')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/dynamics\.analytic: dynamics\.analytic needs the analytic kernel, but ntk\.analytic is "none"/);
  });
});
