// Whole-process MLP eNTK jobs, start-up and I/O included: `ntk-workbench ntk` on an ONNX MLP 784-1024-1024-10 (the
// class-trace kernel of 256 MNIST digits; the full kernel of 64) as child processes, beside a python script doing
// the same job in PyTorch (bench/peers/mlp_ntk_job.py: weights read from the same ONNX file with onnx, float32
// layer-wise kernel, eigenvalues, JSON). Our runs and the peer's alternate, so both see the same load on a shared
// machine; our note splits our median run's wall time by the `timings` stages of the JSON that run wrote, and says
// how far the two kernels agree.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchEnv } from '../bin/process-tuning.js';
import { encodeNpy } from '../src-main/core/io/npy';
import { loadMnist } from '../src-main/node/data/mnist';
import type { Row } from './measure';
import { failedPeer, peerProcessOutcome, peerThreadCounts, timePeerProcess, withPeer, type PeerOutcome } from './torch-peer';
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
      const args = [bin, 'ntk', '--model', model, '--probe', probe, '--kernel', job.kernel, '--out', ours];
      const runs: { wall: number; timings: Record<string, number> }[] = [];
      const peerTimes = new Map<number, number[]>();
      let peerFailure: PeerOutcome | null = null;
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        await run(process.execPath, args, { env: launchEnv() });
        const wall = (performance.now() - t0) / 1000;
        runs.push({ wall, timings: (JSON.parse(await readFile(ours, 'utf8')) as JobOutput).timings });
        for (const threads of peerFailure ? [] : peerThreadCounts()) {
          try {
            const seconds = await timePeerProcess('mlp_ntk_job', { model, probe, kernel: job.kernel, out: theirs }, threads);
            if (seconds === null) peerFailure = await peerProcessOutcome('mlp_ntk_job', new Map());
            else peerTimes.set(threads, [...(peerTimes.get(threads) ?? []), seconds]);
          } catch (error) {
            peerFailure = failedPeer('mlp_ntk_job', error);
          }
          if (peerFailure) break;
        }
      }
      const median = [...runs].sort((a, b) => a.wall - b.wall)[Math.floor(RUNS / 2)];
      const label = `ONNX 784-1024-1024-10, ${job.kernel} kernel, n = ${job.n}`;
      const peer = peerFailure ?? (await peerProcessOutcome('mlp_ntk_job', peerTimes));
      const output = JSON.parse(await readFile(ours, 'utf8')) as JobOutput;
      const agreement = peer.ok ? `; trace within ${traceAgreement(output, JSON.parse(await readFile(theirs, 'utf8')) as JobOutput).toExponential(0)} of PyTorch's` : '';
      const row: Row = { section: 'MLP job, whole process', case: label, engine: 'ntk-workbench ntk (bin)', seconds: median.wall, note: `target <= 1.0x; median of ${RUNS}, alternating with PyTorch's; ${stageNote(median.wall, median.timings)}${agreement}` };
      rows.push(...withPeer(row, peer));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

