// Dataset-scale kernels on disk: the streamed .npy equals the whole kernel bit for bit (float64 accumulation), a
// cancelled and resumed kernel equals an uninterrupted one byte for byte, a resume of another kernel and a budget too
// small for one block are refused with their codes, numpy memory-maps the file, the block-Lanczos spectrum read from
// the file agrees with a dense float64 eigendecomposition (streamed, and read once into a held float32 copy), and
// `ntk --out K.npy` does all of it from the command line.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { decodeNpy, encodeNpy } from '../../../src-main/core/io/npy';
import { jsDenseProducts } from '../../../src-main/core/linalg/dense-products';
import { symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
import { initParams, type FcnArchitecture } from '../../../src-main/core/models/architecture';
import { architectureNtkModel, empiricalNtkFn, empiricalNtkParts, type EmpiricalNtkOptions } from '../../../src-main/core/ntk/empirical-ntk';
import { readKernelSidecar, writeBlockedKernel, type BlockedKernelFileOptions } from '../../../src-main/node/kernel-file/blocked-kernel-file';
import { npyKernelSpectrum, sidecarSpectrum } from '../../../src-main/node/kernel-file/npy-spectrum';
import { createOrtGramEngine } from '../../../src-main/node/ort/ort-gram-engine';
import { fcnOnnx } from '../../fixtures/onnx/fcn-onnx';
import { f64Engine } from '../../helpers/f64-engine';
import { exited, runCli, spawnCli } from '../../helpers/cli';

const a: FcnArchitecture = { arch: 'fcn', inputDim: 6, outputs: 3, widths: [10, 8], bias: true, parameterization: 'ntk' };
const params = initParams(a, 5);
const n = 19;
const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.sin(0.9 * i + 0.4));
const options: EmpiricalNtkOptions = { implementation: 'structured', kernel: 'trace', engine: f64Engine };
const parts = empiricalNtkParts(architectureNtkModel(a), options, params);

/** A Gram matrix with a clustered bottom, like an NTK: G = B B^T + ridge I, B [size, d] with entries entry(index). */
function clusteredGram(size: number, d: number, entry: (index: number) => number, ridge: number): Float64Array {
  const b = Float64Array.from({ length: size * d }, (_, i) => entry(i));
  const g = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) for (let c = 0; c < d; c++) g[i * size + j] += b[i * d + c] * b[j * d + c];
  for (let i = 0; i < size; i++) g[i * size + i] += ridge;
  return g;
}

const hasNumpy = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function fileOptions(out: string, extra: Partial<BlockedKernelFileOptions> = {}): Promise<BlockedKernelFileOptions> {
  return { parts, x, n, k: a.outputs, kernel: 'trace', out, dtype: 'float64', budgetBytes: 1e9, fixedBytes: 0, blockSize: 4, hash: 'h1', source: { model: 'test' }, ...extra };
}

async function readMatrix(path: string): Promise<Float64Array> {
  return decodeNpy(await readFile(path)).data as Float64Array;
}

describe('blocked kernel file', () => {
  it('streams blocks and mirrors into a .npy equal to the whole kernel, with its sidecar', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const out = join(dir, 'K.npy');
    const progress: number[] = [];
    const sidecar = await writeBlockedKernel(await fileOptions(out, { onProgress: (p) => progress.push(p.done) }));
    const whole = await empiricalNtkFn(architectureNtkModel(a), options)(x, undefined, params);
    expect(await readMatrix(out)).toEqual(whole);
    expect(sidecar).toMatchObject({ shape: [n, n], dtype: 'float64', kernel: 'trace', n, k: 3, blockSize: 4, complete: true, blocks: { total: 15 } });
    expect(sidecar.blocks.done).toHaveLength(15);
    expect(progress).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(await readKernelSidecar(out)).toEqual(sidecar);
    const f32 = join(dir, 'K32.npy');
    await writeBlockedKernel(await fileOptions(f32, { dtype: 'float32', blockSize: 7 }));
    expect(decodeNpy(await readFile(f32)).data).toEqual(Float32Array.from(whole));
  });

  it('a cancelled kernel resumed from its sidecar equals the uninterrupted one byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const whole = join(dir, 'whole.npy');
    await writeBlockedKernel(await fileOptions(whole, { kernel: 'full', parts: empiricalNtkParts(architectureNtkModel(a), { ...options, kernel: 'full' }, params) }));
    const out = join(dir, 'K.npy');
    const controller = new AbortController();
    const full = { kernel: 'full' as const, parts: empiricalNtkParts(architectureNtkModel(a), { ...options, kernel: 'full' }, params) };
    const first = writeBlockedKernel(await fileOptions(out, { ...full, signal: controller.signal, onProgress: (p) => p.done === 6 && controller.abort() }));
    await expect(first).rejects.toMatchObject({ code: 'train/cancelled' });
    const stopped = await readKernelSidecar(out);
    expect(stopped.complete).toBe(false);
    expect(stopped.blocks.done).toHaveLength(6);
    await expect(writeBlockedKernel(await fileOptions(out, { ...full, resume: true, hash: 'other' }))).rejects.toMatchObject({ code: 'ntk/resume-mismatch' });
    const computed: number[] = [];
    const resumed = await writeBlockedKernel(await fileOptions(out, { ...full, resume: true, blockSize: 9, onProgress: (p) => computed.push(p.block.id) }));
    expect(resumed.complete).toBe(true);
    expect(resumed.blockSize).toBe(4);
    expect(computed).toEqual(Array.from({ length: 9 }, (_, i) => i + 6));
    expect(Buffer.compare(await readFile(out), await readFile(whole))).toBe(0);
  });

  it('refuses a budget that cannot hold one block, naming needed and available bytes, before writing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const out = join(dir, 'K.npy');
    await expect(writeBlockedKernel(await fileOptions(out, { budgetBytes: 50e6, fixedBytes: 60e6, blockSize: undefined }))).rejects.toMatchObject({
      code: 'ntk/insufficient-memory',
      message: expect.stringMatching(/needs at least 57\.2 MiB .* but 47\.7 MiB is available/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!hasNumpy)('numpy memory-maps the file and reads the values written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const out = join(dir, 'K.npy');
    await writeBlockedKernel(await fileOptions(out, { blockSize: 6 }));
    const values = await readMatrix(out);
    const script = `import json, numpy, sys; k = numpy.load(sys.argv[1], mmap_mode='r'); print(json.dumps({"shape": list(k.shape), "dtype": str(k.dtype), "mmap": isinstance(k, numpy.memmap), "sum": float(numpy.asarray(k, dtype=numpy.float64).sum()), "corner": float(k[${n - 1}, 2])}))`;
    const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, out], { encoding: 'utf8' }));
    expect(got).toMatchObject({ shape: [n, n], dtype: 'float64', mmap: true, corner: values[(n - 1) * n + 2] });
    expect(got.sum).toBeCloseTo(values.reduce((s, v) => s + v, 0), 8);
  });

  it('block Lanczos on the file agrees with a dense float64 eigendecomposition', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const size = 140;
    const g = clusteredGram(size, 60, (i) => Math.sin(1.3 * i) * (1 + (i % 60) / 7), 0.5);
    const path = join(dir, 'G.npy');
    await writeFile(path, encodeNpy({ shape: [size, size], dtype: 'float64', data: g }));
    const eig = symmetricEigenvalues(g, size);
    const spectrum = await npyKernelSpectrum(path, 4, { products: jsDenseProducts() });
    const scale = eig[size - 1];
    expect(Math.abs(spectrum.lambdaMax - scale)).toBeLessThan(1e-10 * scale);
    expect(Array.from(spectrum.top)).toEqual([0, 1, 2, 3].map((i) => expect.closeTo(eig[size - 1 - i], 6)));
    expect(Math.abs(spectrum.lambdaMin - eig[0])).toBeLessThan(1e-8 * scale);
    expect(spectrum.passes).toBeLessThan(size);
    expect(spectrum.held).toBe(false);
    expect(Math.min(...Array.from(eig, (l) => Math.abs(l - spectrum.lambdaMin)))).toBeLessThanOrEqual(spectrum.residualMin * (1 + 1e-9) + 1e-12);
    expect(sidecarSpectrum(spectrum, 0.5)).toMatchObject({ lambdaMin: spectrum.lambdaMin, lambdaMinResidual: spectrum.residualMin, lambdaMaxResidual: spectrum.residualMax, top: Array.from(spectrum.top), passes: spectrum.passes, basis: spectrum.basis, held: false, seconds: 0.5 });
  });

  it('with an engine and room in the budget, the file is read once into a held float32 copy: the same Ritz values to float32 rounding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blocked-'));
    const size = 150;
    const g = clusteredGram(size, 70, (i) => Math.cos(0.7 * i) * (1 + (i % 70) / 9), 0.25);
    const eig = symmetricEigenvalues(g, size);
    const engine = await createOrtGramEngine({ threads: 1 });
    try {
      // float32 and float64 files, and entries far below float32's comfortable range (scaled before rounding).
      for (const [name, dtype, factor] of [['G64.npy', 'float64', 1], ['G32.npy', 'float32', 1], ['tiny.npy', 'float64', 1e-42]] as const) {
        const path = join(dir, name);
        const data = g.map((v) => v * factor);
        await writeFile(path, encodeNpy({ shape: [size, size], dtype, data: dtype === 'float32' ? Float32Array.from(data) : data }));
        const held = await npyKernelSpectrum(path, 3, { products: jsDenseProducts(), engine, memoryBytes: 2 ** 40 });
        expect(held.held).toBe(true);
        const scale = eig[size - 1] * factor;
        expect(Math.abs(held.lambdaMax - scale)).toBeLessThan(1e-6 * scale);
        expect(Math.abs(held.lambdaMin - eig[0] * factor)).toBeLessThan(1e-6 * scale);
        expect(Array.from(held.top)).toEqual([0, 1, 2].map((i) => expect.closeTo(eig[size - 1 - i] * factor, -Math.log10(1e-6 * scale))));
        // No room for the copy in the budget: every product reads the file, float64.
        const streamed = await npyKernelSpectrum(path, 3, { products: jsDenseProducts(), engine, memoryBytes: 1 });
        expect(streamed.held).toBe(false);
        expect(Math.abs(streamed.lambdaMax - held.lambdaMax)).toBeLessThan(1e-6 * scale);
      }
      // A non-finite entry is refused on both paths (the streamed one checks its first read of the file).
      const bad = Float64Array.from(g);
      bad[5 * size + 7] = Number.NaN;
      const badPath = join(dir, 'bad.npy');
      await writeFile(badPath, encodeNpy({ shape: [size, size], dtype: 'float64', data: bad }));
      await expect(npyKernelSpectrum(badPath, 1, { products: jsDenseProducts(), engine, memoryBytes: 2 ** 40 })).rejects.toMatchObject({ code: 'ntk/non-finite', message: expect.stringContaining('(5, 7)') });
      await expect(npyKernelSpectrum(badPath, 1, { products: jsDenseProducts(), engine, memoryBytes: 1 })).rejects.toMatchObject({ code: 'ntk/non-finite', message: expect.stringContaining('(5, 7)') });
    } finally {
      await engine.dispose();
    }
  });
});

/** main() in this process, with stdout and stderr captured. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('ntk --out K.npy', () => {
  it('writes the blocked trace kernel equal to the JSON one, its spectrum, and refuses a budget too small', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-blocked-'));
    const model = join(dir, 'fcn.onnx');
    await writeFile(model, fcnOnnx(a, params, 'gemm-alpha').bytes);
    const inputs = Array.from({ length: 30 }, (_, i) => Array.from({ length: a.inputDim }, (_, j) => Math.cos(0.3 * i + 1.1 * j)));
    await writeFile(join(dir, 'p.json'), JSON.stringify({ inputs }));
    const base = ['ntk', '--model', model, '--probe', join(dir, 'p.json')];
    expect((await inProcess([...base, '--out', join(dir, 'r.json')])).code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    const run = await inProcess([...base, '--out', join(dir, 'K.npy'), '--block', '7', '--spectrum', '3']);
    expect(run.stderr).toMatch(/block 15\/15: samples/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/structured trace kernel 30 x 30 in 15 blocks of 7 samples/);
    const k = await readMatrix(join(dir, 'K.npy'));
    const trace = (json.trace as number[][]).flat();
    const scale = Math.max(...trace.map(Math.abs));
    for (let i = 0; i < trace.length; i++) expect(Math.abs(k[i] - trace[i])).toBeLessThan(1e-6 * scale);
    const sidecar = JSON.parse(await readFile(join(dir, 'K.npy.json'), 'utf8'));
    expect(sidecar).toMatchObject({ complete: true, blockSize: 7, shape: [30, 30], spectrum: { method: 'block-lanczos' } });
    expect(sidecar.spectrum.lambdaMax).toBeCloseTo(json.lambdaMax, 3);
    expect(sidecar.spectrum.top).toHaveLength(3);
    expect(sidecar.spectrum.lambdaMinResidual).toBeGreaterThanOrEqual(0);
    const refused = await inProcess([...base, '--out', join(dir, 'small.npy'), '--memory', '1MB']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\[ntk\/insufficient-memory\].*needs at least .* but 976\.6 KiB is available/);
    expect((await inProcess([...base, '--out', join(dir, 'r.json'), '--memory', '2GB'])).code).toBe(2);
    const resume = await inProcess([...base, '--out', join(dir, 'K.npy'), '--resume', '--kernel', 'full']);
    expect(resume.stderr).toMatch(/\[ntk\/resume-mismatch\]/);
  });
});

describe('ntk --out K.npy as a process', () => {
  it('Ctrl-C stops between blocks (exit 130), and --resume completes a file equal to an uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-sigint-'));
    const model = join(dir, 'fcn.onnx');
    const wide: FcnArchitecture = { arch: 'fcn', inputDim: 784, outputs: 10, widths: [64], bias: true, parameterization: 'ntk' };
    await writeFile(model, fcnOnnx(wide, initParams(wide, 2), 'gemm-alpha').bytes);
    const base = ['ntk', '--model', model, '--probe', 'mnist:120', '--block', '10'];
    const whole = await runCli([...base, '--out', join(dir, 'whole.npy')]);
    expect(whole.code).toBe(0);
    const out = join(dir, 'K.npy');
    const child = spawnCli([...base, '--out', out]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!stderr.includes('block 1/') && `${stderr}${chunk}`.includes('block 1/')) child.kill('SIGINT');
      stderr += String(chunk);
    });
    expect((await exited(child)).code).toBe(130);
    expect(stderr).toMatch(/stopped: \d+ of 78 blocks .* --resume/);
    const stopped = await readKernelSidecar(out);
    expect(stopped.complete).toBe(false);
    expect(stopped.blocks.done.length).toBeLessThan(78);
    const resumed = await runCli([...base, '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect((await readKernelSidecar(out)).complete).toBe(true);
    expect(Buffer.compare(await readFile(out), await readFile(join(dir, 'whole.npy')))).toBe(0);
  }, 120_000);
});
