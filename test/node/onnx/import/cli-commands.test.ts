// `ntk-workbench ntk` and `ntk-workbench drift` write exactly the JSON issue 5 specifies, on files exported by
// PyTorch when present (fixtures/onnx/external) and on models made in code; failures exit 1 with the error code.
// Two commands run as real processes through bin/ (default backend); the rest call main() in-process.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../../src-main/cli/main';
import { type FcnArchitecture, initParams } from '../../../../src-main/core/models/architecture';
import { empiricalNtkF64 } from '../../../../src-main/core/models/reference-f64';
import { symmetricEigenvalues } from '../../../../src-main/core/linalg/spectrum';
import { classTrace } from '../../../../src-main/core/ntk/kernel-types';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { fcnOnnx } from '../../../fixtures/onnx/fcn-onnx';
import { smallCnn } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, externalManifest } from '../../../fixtures/onnx/manifest';
import { relErr } from '../../../helpers/rel-err';
import { STAGES } from '../../../../src-main/contract/stage-timings';

const run = promisify(execFile);
const bin = join(__dirname, '..', '..', '..', '..', 'bin', 'ntk-workbench.js');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** main() in this process, with stdout and stderr captured. */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const external = externalManifest();

/** Seconds per stage: every stage present, non-negative, and together within a little of the measured total. */
function expectStagesSumToTotal(timings: Record<string, number>, stages: readonly string[]): void {
  expect(Object.keys(timings)).toEqual([...stages, 'total']);
  for (const stage of stages) expect(timings[stage]).toBeGreaterThanOrEqual(0);
  const sum = stages.reduce((a, s) => a + timings[s], 0);
  expect(sum).toBeLessThanOrEqual(timings.total + 1e-9);
  expect(timings.total - sum).toBeLessThan(0.05 + 0.1 * timings.total);
}
const torchMlp = external.models.find((m) => m.file === 'torch-mlp.onnx');

describe('ntk-workbench ntk', () => {
  it.skipIf(!torchMlp)('full kernel of a PyTorch export: {paramCount, implementation, outputs, trace, ntk, lambdaMin, lambdaMax}', async () => {
    const entry = torchMlp!;
    const dir = await mkdtemp(join(tmpdir(), 'cli-ntk-'));
    const probe = join(dir, 'probe.json');
    await writeFile(probe, JSON.stringify({ inputs: entry.probe, labels: [0, 1, 2, 0], note: 'ignored' }));
    const out = join(dir, 'r.json');
    const { code, stdout, stderr } = await cli(['ntk', '--model', join(EXTERNAL_DIR, entry.file), '--probe', probe, '--out', out, '--kernel', 'full']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/onnxruntime max abs error/);
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(result)).toEqual(['paramCount', 'implementation', 'outputs', 'trace', 'ntk', 'lambdaMin', 'lambdaMax', 'spectrum', 'timings']);
    expect(result.spectrum).toEqual({ method: 'full' });
    expect(result.implementation).toBe('structured');
    expect(stdout).toContain('structured full kernel');
    const n = entry.probe.length;
    const k = entry.outputs;
    expect(result.paramCount).toBe(entry.paramCount);
    expect(relErr(result.outputs.flat(), entry.expected.flat())).toBeLessThan(1e-5);
    expect(result.ntk).toHaveLength(n * k);
    expect(result.ntk[0]).toHaveLength(n * k);
    expect(relErr(result.trace.flat(), classTrace(Float64Array.from(result.ntk.flat()), n, n, k))).toBeLessThan(1e-12);
    expect(result.lambdaMax).toBeGreaterThan(result.lambdaMin);
  });

  it('float64 path on an FCN file equals the float64 reference; trace kernel has no "ntk" field', async () => {
    const a: FcnArchitecture = { arch: 'fcn', inputDim: 2, outputs: 2, widths: [8, 8], bias: true, parameterization: 'ntk' };
    const params = initParams(a, 4);
    const dir = await mkdtemp(join(tmpdir(), 'cli-ntk-'));
    const model = join(dir, 'fcn.onnx');
    await writeFile(model, fcnOnnx(a, params, 'mul-nodes').bytes);
    const inputs = [
      [0.3, -1],
      [1.2, 0.4],
      [-0.5, 0.8],
    ];
    await writeFile(join(dir, 'p.json'), JSON.stringify({ inputs }));
    expect((await inProcess(['ntk', '--model', model, '--probe', join(dir, 'p.json'), '--out', join(dir, 'r.json'), '--dtype', 'float64'])).code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    expect(Object.keys(result)).toEqual(['paramCount', 'implementation', 'outputs', 'trace', 'lambdaMin', 'lambdaMax', 'spectrum', 'timings']);
    expect(result.implementation).toBe('reference-f64');
    expectStagesSumToTotal(result.timings, STAGES);
    const reference = classTrace(empiricalNtkF64(a, params, inputs.flat(), 3), 3, 3, 2);
    expect(relErr(result.trace.flat(), reference)).toBeLessThan(1e-12);
  });

  it('beyond 512 kernel rows: Lanczos extremes with their steps and Ritz residuals, which bound the distance to an eigenvalue', async () => {
    const a: FcnArchitecture = { arch: 'fcn', inputDim: 3, outputs: 10, widths: [24, 24], bias: true, parameterization: 'ntk' };
    const dir = await mkdtemp(join(tmpdir(), 'cli-ntk-'));
    const model = join(dir, 'fcn.onnx');
    await writeFile(model, fcnOnnx(a, initParams(a, 9), 'mul-nodes').bytes);
    const n = 60;
    const inputs = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(1.3 * i), 0.1 * (i % 7) - 0.3]);
    await writeFile(join(dir, 'p.json'), JSON.stringify({ inputs }));
    expect((await inProcess(['ntk', '--model', model, '--probe', join(dir, 'p.json'), '--out', join(dir, 'r.json'), '--kernel', 'full'])).code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    expect(Object.keys(result.spectrum)).toEqual(['method', 'steps', 'lambdaMinResidual', 'lambdaMaxResidual']);
    expect(result.spectrum.method).toBe('lanczos');
    expect(result.spectrum.steps).toBeGreaterThan(0);
    expect(result.spectrum.steps).toBeLessThanOrEqual(160);
    const rows = n * a.outputs;
    const exact = symmetricEigenvalues(Float64Array.from(result.ntk.flat() as number[]), rows);
    const nearest = (theta: number) => Math.min(...Array.from(exact, (l) => Math.abs(l - theta)));
    const slack = 1e-6 * exact[rows - 1];
    for (const [theta, residual] of [
      [result.lambdaMin, result.spectrum.lambdaMinResidual],
      [result.lambdaMax, result.spectrum.lambdaMaxResidual],
    ]) {
      expect(residual).toBeGreaterThan(0);
      expect(nearest(theta)).toBeLessThanOrEqual(residual + slack);
    }
    // The smallest Ritz value bounds the smallest eigenvalue from above (up to the float32 copy's rounding).
    expect(result.lambdaMin).toBeGreaterThanOrEqual(exact[0] - slack);
    expect(result.lambdaMax).toBeCloseTo(exact[rows - 1], 2);
  });

  it('errors exit 1 with the code; usage errors exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-ntk-'));
    await writeFile(join(dir, 'cnn.onnx'), smallCnn().bytes);
    await writeFile(join(dir, 'p.csv'), '1,2,3\n4,5,6\n');
    await writeFile(join(dir, 'junk.onnx'), 'not a model at all');
    const mismatch = await inProcess(['ntk', '--model', join(dir, 'cnn.onnx'), '--probe', join(dir, 'p.csv'), '--out', join(dir, 'r.json')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/\[data\/shape-mismatch\]/);
    const junk = await inProcess(['ntk', '--model', join(dir, 'junk.onnx'), '--probe', join(dir, 'p.csv'), '--out', join(dir, 'r.json')]);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/\[onnx\/parse-failed\]/);
    expect((await inProcess(['ntk', '--model', 'm.onnx', '--probe', 'p.json', '--out', 'r.json', '--kernel', 'diagonal'])).code).toBe(2);
    expect((await inProcess(['drift', '--probe', 'p.json', '--out', 'd.json'])).code).toBe(2);
  });
});

describe('ntk-workbench drift', () => {
  it.skipIf(external.series.length === 0)('a PyTorch checkpoint series: [{file, paramNorm, paramDistance, relDrift, lambdaMin, lambdaMax, spectrum, timings}]', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-drift-'));
    const probe = join(dir, 'probe.json');
    await writeFile(probe, JSON.stringify({ inputs: external.series[0].probe }));
    const files = external.series.map((s) => join(EXTERNAL_DIR, s.file)).reverse();
    const out = join(dir, 'd.json');
    const { code, stderr } = await cli(['drift', '--models', ...files, '--probe', probe, '--out', out, '--run', join(dir, 'run')]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/4\/4/);
    const rows = JSON.parse(await readFile(out, 'utf8'));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Object.keys(row)).toEqual(['file', 'paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'spectrum', 'timings']);
    for (const row of rows) expect(Object.keys(row.timings)).toEqual(['translate', 'check', 'kernel', 'spectrum']);
    // A 4-sample trace kernel: every eigenvalue, as 'ntk' reports it; drift.jsonl keeps the same record.
    for (const row of rows) expect(row.spectrum).toEqual({ method: 'full' });
    const jsonl = (await readFile(join(dir, 'run', 'drift.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(jsonl.map((e: { spectrum: unknown }) => e.spectrum)).toEqual(rows.map((r: { spectrum: unknown }) => r.spectrum));
    const series = JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8')).timings;
    expectStagesSumToTotal(series, STAGES);
    const checkpointSum = rows.reduce((sum: number, r: { timings: Record<string, number> }) => sum + Object.values(r.timings).reduce((a, b) => a + b, 0), 0);
    expect(checkpointSum).toBeCloseTo(series.translate + series.check + series.kernel + series.spectrum, 9);
    expect(rows.map((r: { file: string }) => r.file)).toEqual([...files].reverse());
    expect(rows[0].relDrift).toBe(0);
    expect(rows[0].paramDistance).toBe(0);
    expect(rows[3].relDrift).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(dir, 'run', 'config.json'), 'utf8')).kind).toBe('import');
  });

  it.skipIf(external.series.length === 0)('takes a folder as its .onnx files in natural order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-drift-'));
    const probe = join(dir, 'probe.json');
    await writeFile(probe, JSON.stringify({ inputs: external.series[0].probe }));
    const folder = dirname(join(EXTERNAL_DIR, external.series[0].file));
    const out = join(dir, 'd.json');
    expect((await inProcess(['drift', '--models', folder, '--probe', probe, '--out', out])).code).toBe(0);
    const rows = JSON.parse(await readFile(out, 'utf8'));
    expect(rows.map((r: { file: string }) => r.file)).toEqual(external.series.map((s) => join(EXTERNAL_DIR, s.file)));
    expect(rows[3].relDrift).toBeGreaterThan(rows[1].relDrift);
    // Steps given reorder the series: the last file becomes the reference.
    const reversed = join(dir, 'r.json');
    expect((await inProcess(['drift', '--models', folder, '--steps', '30,20,10,0', '--probe', probe, '--out', reversed])).code).toBe(0);
    const again = JSON.parse(await readFile(reversed, 'utf8'));
    expect(again.map((r: { file: string }) => r.file)).toEqual([...rows.map((r: { file: string }) => r.file)].reverse());
    expect(again[0].relDrift).toBe(0);
    expect((await inProcess(['drift', '--models', folder, '--steps', '0,1', '--probe', probe, '--out', reversed])).code).toBe(2);
  });
});

/** f(x) = W ((x + h) sr / 16000): a sample input x, recurrent state h [n, 3] and an int64 sample rate sr. */
function twoInputModel(weights: number[]): Uint8Array {
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', 3]);
  m.input('h', 'float32', ['n', 3]);
  m.input('sr', 'int64', []);
  const scaled = m.op('Mul', [m.op('Add', ['x', 'h']), m.op('Div', [m.op('Cast', ['sr'], { to: attr.int(1) }), m.constF32([16000])])]);
  m.output(m.op('Gemm', [scaled, m.initializer('w', 'float32', [2, 3], weights)], { transB: attr.int(1) }), 'float32');
  return m.encode();
}

describe('ntk-workbench ntk on what exporters produce', () => {
  const blocks = JSON.parse(readFileSync(join(EXTERNAL_DIR, 'blocks', 'manifest.json'), 'utf8')) as { models: { file: string; probe: unknown[]; ntk: number[][] }[] };

  for (const entry of blocks.models) {
    it(`${entry.file}: the full kernel matches the float64 reference`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cli-blocks-'));
      await writeFile(join(dir, 'probe.json'), JSON.stringify({ inputs: entry.probe }));
      const { code, stderr } = await inProcess(['ntk', '--model', join(EXTERNAL_DIR, 'blocks', entry.file), '--probe', join(dir, 'probe.json'), '--out', join(dir, 'r.json'), '--kernel', 'full', '--keep-softmax']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as { ntk: number[][] };
      expect(relErr(result.ntk.flat(), entry.ntk.flat())).toBeLessThan(5e-6);
    });
  }

  it('--bind gives the other graph inputs values; without it the import is refused naming them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-bind-'));
    await writeFile(join(dir, 'm.onnx'), twoInputModel([0.1, -0.2, 0.3, 0.5, 0.4, -0.1]));
    await writeFile(join(dir, 'probe.json'), JSON.stringify({ inputs: [[1, 2, 3], [0, -1, 0.5]] }));
    await writeFile(join(dir, 'h.json'), JSON.stringify([[0.5, 0.5, 0.5]]));
    const base = ['ntk', '--model', join(dir, 'm.onnx'), '--probe', join(dir, 'probe.json'), '--out', join(dir, 'r.json')];
    const refused = await inProcess(base);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/onnx\/unsupported-model.*inputs h, sr besides the sample input x/);
    const bound = await inProcess([...base, '--bind', `h=${join(dir, 'h.json')}`, '--bind', 'sr=8000']);
    expect(bound.stderr).toBe('');
    expect(bound.code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as { outputs: number[][] };
    // f(x) = W ((x + h) sr / 16000): sample 0, output 0 = 0.5 (0.1 1.5 - 0.2 2.5 + 0.3 3.5).
    expect(result.outputs[0][0]).toBeCloseTo(0.5 * (0.1 * 1.5 - 0.2 * 2.5 + 0.3 * 3.5), 6);
  });

  it('drift --bind: two checkpoints of a model with bound state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-drift-bind-'));
    await writeFile(join(dir, 'ckpt-0.onnx'), twoInputModel([0.1, -0.2, 0.3, 0.5, 0.4, -0.1]));
    await writeFile(join(dir, 'ckpt-10.onnx'), twoInputModel([0.2, -0.2, 0.3, 0.5, 0.1, -0.1]));
    await writeFile(join(dir, 'probe.json'), JSON.stringify({ inputs: [[1, 2, 3], [0, -1, 0.5]], bind: { sr: 16000 } }));
    const { code, stderr } = await inProcess(['drift', '--models', dir, '--probe', join(dir, 'probe.json'), '--out', join(dir, 'd.json'), '--bind', 'h=zeros']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/2\/2 .*ckpt-10\.onnx/);
    const rows = JSON.parse(await readFile(join(dir, 'd.json'), 'utf8')) as { file: string; paramDistance: number }[];
    expect(rows.map((r) => r.file)).toEqual([join(dir, 'ckpt-0.onnx'), join(dir, 'ckpt-10.onnx')]);
    expect(rows[1].paramDistance).toBeCloseTo(Math.hypot(0.1, 0.3), 6);
  });

  it('a saturated sigmoid prints a warning naming the pre-activation value', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', ['n', 2]);
    const logit = m.op('MatMul', ['x', m.initializer('w', 'float32', [2, 1], [30, -25])], {}, 'logit');
    m.output(m.op('Sigmoid', [logit]), 'float32');
    const dir = await mkdtemp(join(tmpdir(), 'cli-sat-'));
    await writeFile(join(dir, 'm.onnx'), m.encode());
    await writeFile(join(dir, 'probe.json'), JSON.stringify({ inputs: [[1, 0], [0.01, 0.01]] }));
    const { code, stderr } = await inProcess(['ntk', '--model', join(dir, 'm.onnx'), '--probe', join(dir, 'probe.json'), '--out', join(dir, 'r.json')]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: 1 of 2 outputs are saturated .* pre-activation value logit/);
  });
});
