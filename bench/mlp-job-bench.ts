// Whole-process MLP eNTK jobs, start-up and I/O included: `ntk-workbench ntk` on an ONNX MLP 784-1024-1024-10 (the
// class-trace kernel of 256 MNIST digits; the full kernel of 64) as child processes, beside a python script doing
// the same job in PyTorch (bench/peers/mlp_ntk_job.py: weights read from the same ONNX file with onnx, float32
// layer-wise kernel, eigenvalues, JSON). Our note splits the wall time by the `timings` stages of the JSON we wrote
// and says how far the two kernels agree.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeNpy } from '../src-main/core/io/npy';
import { loadMnist } from '../src-main/node/data/mnist';
import { medianSeconds, type Row } from './measure';
import { torchPeerProcess, withPeer } from './torch-peer';
import { torchStyleMlp } from './torch-style-mlp';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/ntk-workbench.js', import.meta.url));
const RUNS = 5;

interface JobOutput {
  trace: number[][];
  timings: Record<string, number>;
}

/** Largest |ours - peer| over the trace kernel, relative to the peer's largest |value|. */
function traceAgreement(ours: JobOutput, peer: JobOutput): number {
  let diff = 0;
  let scale = 0;
  ours.trace.forEach((row, i) =>
    row.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - peer.trace[i][j]));
      scale = Math.max(scale, Math.abs(peer.trace[i][j]));
    }),
  );
  return diff / scale;
}

function stageNote(wall: number, timings: Record<string, number>): string {
  const stages = ['read', 'translate', 'check', 'kernel', 'spectrum', 'write'].map((s) => `${s} ${(timings[s] ?? 0).toFixed(2)}`).join(', ');
  return `in-process ${timings.total.toFixed(2)} s (${stages}), start-up/exit ${(wall - timings.total).toFixed(2)} s`;
}

export async function benchMlpJobs(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ntk-bench-job-'));
  const rows: Row[] = [];
  try {
    const model = join(dir, 'mlp.onnx');
    await writeFile(model, torchStyleMlp([784, 1024, 1024, 10]));
    // The digits mnist:256 gives, as a float32 .npy both sides read.
    const digits = await loadMnist({ n: 256, labels: 'digit', balanced: false, seed: 0 });
    for (const job of [
      { n: 256, kernel: 'trace' },
      { n: 64, kernel: 'full' },
    ] as const) {
      const probe = join(dir, `probe-${job.n}.npy`);
      await writeFile(probe, encodeNpy({ shape: [job.n, 784], dtype: 'float32', data: Float32Array.from(digits.x.subarray(0, job.n * 784)) }));
      const ours = join(dir, `ours-${job.n}.json`);
      const theirs = join(dir, `peer-${job.n}.json`);
      const args = ['ntk', '--model', model, '--probe', probe, '--kernel', job.kernel];
      const { median } = await medianSeconds(() => run(process.execPath, [bin, ...args, '--out', ours]), { warmupSeconds: 0, minRuns: RUNS, budgetSeconds: 0 });
      const output = JSON.parse(await readFile(ours, 'utf8')) as JobOutput;
      const label = `ONNX 784-1024-1024-10, ${job.kernel} kernel, n = ${job.n}`;
      const peer = await torchPeerProcess('mlp_ntk_job', { model, probe, kernel: job.kernel, out: theirs }, RUNS);
      const agreement = peer.ok ? `; trace within ${traceAgreement(output, JSON.parse(await readFile(theirs, 'utf8')) as JobOutput).toExponential(0)} of PyTorch's` : '';
      const row: Row = { section: 'MLP job, whole process', case: label, engine: 'ntk-workbench ntk (bin)', seconds: median, note: `target <= 1.0x; ${stageNote(median, output.timings)}${agreement}` };
      rows.push(...withPeer(row, peer));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
