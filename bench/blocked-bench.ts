// Dataset-scale kernels and cheap spectra (issue 15): the class-trace kernel of MNIST digits on an MLP
// 784-1024-1024-10 written to a .npy in blocks under --memory 2GB by the real CLI (whole-process seconds, the kernel's
// own seconds and peak RSS from /usr/bin/time), checked against a direct computation on its first 500 samples and
// memory-mapped by numpy when present; the block-Lanczos spectrum of that file; and the in-memory spectrum extremes of
// a 2560-row kernel beside that kernel's time. n = 2000 by default, 10^4 with --all. PyTorch beside the kernel row
// when present.
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchEnv } from '../bin/process-tuning.js';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { gramSpectrum } from '../src-main/core/linalg/spectrum';
import { initParams } from '../src-main/core/models/architecture';
import { architectureNtkModel, empiricalNtkFn } from '../src-main/core/ntk/empirical-ntk';
import { createRng } from '../src-main/core/random';
import type { KernelSidecar } from '../src-main/node/kernel-file/blocked-kernel-file';
import { importedNtk } from '../src-main/node/onnx/import/imported-ntk';
import { openModel } from '../src-main/node/onnx/import/model-source';
import { loadProbeSet } from '../src-main/node/onnx/import/probe-set';
import { mlp } from './entk-bench';
import { torchStyleMlp } from './torch-style-mlp';
import { medianSeconds, type Row } from './measure';
import { torchPeer, withPeer } from './torch-peer';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/ntk-workbench.js', import.meta.url));
const SUBSET = 500;

/** Rows [0, m) x columns [0, m) of a float64 .npy square matrix of side `size`. */
function readCorner(path: string, size: number, m: number, dataOffset: number): Float64Array {
  const out = new Float64Array(m * m);
  const fd = openSync(path, 'r');
  try {
    for (let i = 0; i < m; i++) readSync(fd, new Uint8Array(out.buffer, i * m * 8, m * 8), 0, m * 8, dataOffset + i * size * 8);
  } finally {
    closeSync(fd);
  }
  return out;
}

async function numpyLoads(path: string): Promise<string> {
  try {
    const { stdout } = await run('/usr/bin/python3', ['-c', `import numpy, sys; k = numpy.load(sys.argv[1], mmap_mode='r'); print(k.shape, k.dtype, float(k[${SUBSET - 1}, 0]))`, path]);
    return `numpy mmap ${stdout.trim()}`;
  } catch (error) {
    return `numpy: ${(error as Error).message.split('\n')[0]}`;
  }
}

async function benchFileKernel(n: number): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ntk-bench-blocked-'));
  try {
    const model = join(dir, 'mlp.onnx');
    await writeFile(model, torchStyleMlp([784, 1024, 1024, 10]));
    const out = join(dir, 'K.npy');
    const args = [bin, 'ntk', '--model', model, '--probe', `mnist:${n}`, '--kernel', 'trace', '--out', out, '--memory', '2GB', '--spectrum', '5'];
    const timed = existsSync('/usr/bin/time');
    const t0 = performance.now();
    const { stderr } = timed ? await run('/usr/bin/time', ['-v', process.execPath, ...args], { maxBuffer: 16 << 20, env: launchEnv() }) : await run(process.execPath, args, { maxBuffer: 16 << 20, env: launchEnv() });
    const wall = (performance.now() - t0) / 1000;
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
    const sidecar = JSON.parse(await readFile(`${out}.json`, 'utf8')) as KernelSidecar & { spectrum: { seconds: number; passes: number; held: boolean; lambdaMin: number; lambdaMax: number; lambdaMinResidual: number } };
    // The first SUBSET samples directly, in memory, against the file's corner.
    const probe = await loadProbeSet(`mnist:${n}`);
    const opened = await openModel({ path: model });
    const direct = await importedNtk(opened, probe.x.subarray(0, SUBSET * 784), SUBSET, { kernel: 'trace' });
    opened.dispose();
    const header = await readFile(out).then((b) => b.subarray(0, 128));
    const dataOffset = header.indexOf(0x0a) + 1;
    const corner = readCorner(out, n, SUBSET, dataOffset);
    let err = 0;
    let scale = 0;
    for (let i = 0; i < corner.length; i++) {
      err = Math.max(err, Math.abs(corner[i] - direct.trace[i]));
      scale = Math.max(scale, Math.abs(direct.trace[i]));
    }
    const rss = Number.isFinite(rssKb) ? `peak RSS ${(rssKb / 2 ** 20).toFixed(2)} GiB (target < 2 GB)` : 'peak RSS not measured (no /usr/bin/time)';
    const label = `class trace, MNIST n=${n}, 784-1024-1024-10`;
    const kernelRow: Row = { section: 'Blocked kernel', case: label, engine: 'ntk --out K.npy (kernel)', seconds: sidecar.seconds, note: `${sidecar.blocks.total} blocks of ${sidecar.blockSize}; ${rss}${n === 10_000 ? '; target < 2 min' : '; 10^4 with --all'}` };
    return [
      // The peer computes the same layer-wise trace kernel whole in memory (bench/peers/trace_kernel.py).
      ...withPeer(kernelRow, await torchPeer('trace_kernel', { n })),
      { section: 'Blocked kernel', case: label, engine: 'ntk --out K.npy (whole process)', seconds: wall, note: `first ${SUBSET} samples vs direct: max |diff| ${(err / scale).toExponential(1)} of max |K| (target 1e-6); ${await numpyLoads(out)}` },
      {
        section: 'Blocked kernel',
        case: label,
        engine: 'spectrum of K.npy (block Lanczos)',
        seconds: sidecar.spectrum.seconds,
        note: `${sidecar.spectrum.passes} ${sidecar.spectrum.held ? 'products on a float32 copy held by onnxruntime, the file read once' : 'passes over the file'}; lambda_max ${sidecar.spectrum.lambdaMax.toExponential(4)}, lambda_min ${sidecar.spectrum.lambdaMin.toExponential(4)} (Ritz residual ${sidecar.spectrum.lambdaMinResidual.toExponential(1)})`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Full eNTK of 256 samples on 784-1024-1024-10 (2560 rows) and the spectrum extremes of it: the <= 25% target. */
export async function benchSpectrumShare(engine: MatmulEngine): Promise<Row[]> {
  const a = mlp(1024);
  const params = initParams(a, 0);
  const n = 256;
  const rng = createRng(1, 'bench-x');
  const x = Float64Array.from({ length: n * 784 }, () => rng.uniform());
  const ntkFn = empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel: 'full', engine });
  let kernel: Float64Array = new Float64Array(0);
  const k = await medianSeconds(async () => (kernel = await ntkFn(x, undefined, params)), { warmupSeconds: 0.3, minRuns: 3, budgetSeconds: 3 });
  const rows = n * 10;
  let spectrum = await gramSpectrum(kernel, rows, { engine });
  const s = await medianSeconds(async () => (spectrum = await gramSpectrum(kernel, rows, { engine })), { warmupSeconds: 0, minRuns: 3, budgetSeconds: 1 });
  const f64 = await medianSeconds(async () => gramSpectrum(kernel, rows), { warmupSeconds: 0, minRuns: 2, budgetSeconds: 0 });
  const label = '784-1024-1024-10 full, n=256 (2560 rows)';
  const share = (seconds: number) => `${((100 * seconds) / k.median).toFixed(0)}% of the kernel`;
  const extremes: Row = {
    section: 'Spectrum',
    case: label,
    engine: `extremes (Lanczos, products on ${engine.hold ? engine.name : 'typescript float64'})`,
    seconds: s.median,
    note: `${share(s.median)} (target <= 25%); lambda_min ${spectrum.lambdaMin.toPrecision(7)} (Ritz residual ${spectrum.lanczos?.lambdaMinResidual.toExponential(1)}, ${spectrum.lanczos?.steps} steps), lambda_max ${spectrum.lambdaMax.toPrecision(9)}; the peer: the whole spectrum (eigvalsh, float64)`,
  };
  return [
    { section: 'Spectrum', case: label, engine: `kernel / structured ${engine.name}`, seconds: k.median },
    ...withPeer(extremes, await torchPeer('kernel_spectrum', { n })),
    { section: 'Spectrum', case: label, engine: 'extremes (Lanczos, typescript float64 products: the reference-f64 path)', seconds: f64.median, note: share(f64.median) },
  ];
}

export async function benchBlocked(engine: MatmulEngine, options: { all: boolean }): Promise<Row[]> {
  return [...(await benchSpectrumShare(engine)), ...(await benchFileKernel(options.all ? 10_000 : 2000))];
}
