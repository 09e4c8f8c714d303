// PyTorch as the peer in `npm run bench`: runs a script from bench/peers/ under Debian's python3-torch, at each
// thread count up to the machine's cores, and keeps the fastest. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed
// from the peer's environment only (they slow a current OpenBLAS on these CPUs about 2.6x), and the peer gets glibc's
// malloc tunables as our own process does (bin/process-tuning.js; about 2x on torch's large temporaries); the bench's
// header prints the peer's environment (peerEnvironmentNote). The BLAS torch maps is
// named in the peer's rows: with Debian's reference BLAS alone torch's matmuls run at ~4 GFLOP/s. Absent torch gives
// a note, never a failure: peers are for the printed comparison, not for tests or CI.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tunedEnv } from '../bin/process-tuning.js';
import type { Row } from './measure';

const run = promisify(execFile);
const PYTHONS = [process.env.NTK_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p));

export type PeerOutcome =
  | { readonly ok: true; readonly seconds: number; readonly threads: number; readonly values: Readonly<Record<string, number>>; readonly label: string }
  | { readonly ok: false; readonly note: string };

interface TorchPython {
  readonly python: string;
  /** 'PyTorch 1.13.0 / OpenBLAS (pthread)': what the peer rows are labelled with. */
  readonly label: string;
}

let found: Promise<TorchPython | null> | undefined;

/** Which BLAS a list of mapped library paths is (Debian's alternatives put each in its own folder). */
export function blasName(libs: readonly string[]): string {
  const all = libs.join(' ');
  if (/openblas-pthread/.test(all)) return 'OpenBLAS (pthread)';
  if (/openblas-openmp/.test(all)) return 'OpenBLAS (openmp)';
  if (/openblas/i.test(all)) return 'OpenBLAS';
  if (/blis/i.test(all)) return 'BLIS';
  if (/mkl/i.test(all)) return 'MKL';
  if (/atlas/i.test(all)) return 'ATLAS';
  if (/\/blas\/libblas/.test(all)) return 'reference BLAS (~4 GFLOP/s: apt install libopenblas0-pthread)';
  return libs.length ? `BLAS ${libs[0]}` : 'no BLAS mapped';
}

/** The first python that imports torch, with torch's version and BLAS, or null. */
function torchPython(): Promise<TorchPython | null> {
  found ??= (async () => {
    for (const python of PYTHONS) {
      try {
        const { stdout } = await run(python, [peerScript('torch_info')], { env: peerEnv(1), timeout: 120_000 });
        const info = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { torch: string; blas: string[] };
        return { python, label: `PyTorch ${info.torch} / ${blasName(info.blas)}` };
      } catch {
        continue;
      }
    }
    return null;
  })();
  return found;
}

/** The peer's label ('PyTorch ... / BLAS'), or null without torch. */
export async function torchLabel(): Promise<string | null> {
  return (await torchPython())?.label ?? null;
}

function peerScript(name: string): string {
  return fileURLToPath(new URL(`./peers/${name}.py`, import.meta.url));
}

/** Variables removed from the peer's environment: they slow a current OpenBLAS on these CPUs about 2.6x. */
const PEER_UNSET = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** The peer's environment: ours (with the malloc tunables where they apply) less PEER_UNSET, OMP_NUM_THREADS = threads. */
function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(tunedEnv() ?? process.env), OMP_NUM_THREADS: String(threads) };
  for (const name of PEER_UNSET) delete env[name];
  return env;
}

/** What the bench header says about the peer's environment: exactly what peerEnv sets and removes. */
export function peerEnvironmentNote(): string {
  const env = peerEnv(1);
  const unset = PEER_UNSET.map((name) => (process.env[name] === undefined ? `${name} (not set here)` : `${name}=${process.env[name]}`));
  return `GLIBC_TUNABLES=${env.GLIBC_TUNABLES ?? '(unset)'}, OMP_NUM_THREADS = torch threads, unset: ${unset.join(', ')}`;
}

const NO_TORCH = 'peer skipped: no python with torch (apt install python3-torch libopenblas0-pthread)';

/** Runs `measure(threads)` at each thread count and keeps the fastest. */
async function bestOverThreads(name: string, measure: (threads: number) => Promise<{ seconds: number; values: Record<string, number> }>): Promise<PeerOutcome> {
  const torch = await torchPython();
  if (!torch) return { ok: false, note: NO_TORCH };
  let best: { seconds: number; threads: number; values: Record<string, number> } | null = null;
  for (let threads = 1; threads <= availableParallelism(); threads++) {
    try {
      const result = await measure(threads);
      if (Number.isFinite(result.seconds) && (!best || result.seconds < best.seconds)) best = { ...result, threads };
    } catch (error) {
      return failedPeer(name, error);
    }
  }
  return best ? { ok: true, ...best, label: torch.label } : { ok: false, note: `peer ${name} printed no time` };
}

/** A failed peer run as an outcome: the script's last stderr line names the cause (a missing module, a refused model). */
export function failedPeer(name: string, error: unknown): PeerOutcome {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1);
  return { ok: false, note: `peer ${name} failed: ${stderr || (error as Error).message.split('\n')[0]}` };
}

function flags(args: Readonly<Record<string, string | number>>): string[] {
  return Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
}

/**
 * Seconds of `bench/peers/<name>.py` at its best thread count. The script receives `--threads T` and `args` as
 * `--key value`, does its own warm-up and prints one JSON line `{"seconds": s, ...}` last on stdout; the other
 * numeric fields come back as `values`.
 */
export async function torchPeer(name: string, args: Readonly<Record<string, string | number>> = {}): Promise<PeerOutcome> {
  const python = (await torchPython())?.python;
  return bestOverThreads(name, async (threads) => {
    const { stdout } = await run(python as string, [peerScript(name), '--threads', String(threads), ...flags(args)], { env: peerEnv(threads), timeout: 900_000, maxBuffer: 64 << 20 });
    const values = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
    return { seconds: Number(values.seconds), values };
  });
}

/** The thread counts a peer is tried at: 1 up to the machine's cores. */
export function peerThreadCounts(): number[] {
  return Array.from({ length: availableParallelism() }, (_, i) => i + 1);
}

/**
 * Whole-process seconds of one run of `python bench/peers/<name>.py --threads T args` (start-up included), for a
 * caller that interleaves the peer's runs with its own so both see the same load; null without torch.
 */
export async function timePeerProcess(name: string, args: Readonly<Record<string, string | number>>, threads: number): Promise<number | null> {
  const python = (await torchPython())?.python;
  if (!python) return null;
  const t0 = performance.now();
  await run(python, [peerScript(name), '--threads', String(threads), ...flags(args)], { env: peerEnv(threads), timeout: 900_000 });
  return (performance.now() - t0) / 1000;
}

/** The outcome of interleaved whole-process runs: the thread count with the lowest median. */
export async function peerProcessOutcome(name: string, secondsByThreads: ReadonlyMap<number, readonly number[]>): Promise<PeerOutcome> {
  const label = await torchLabel();
  if (!label) return { ok: false, note: NO_TORCH };
  let best: { seconds: number; threads: number } | null = null;
  for (const [threads, times] of secondsByThreads) {
    const seconds = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    if (!best || seconds < best.seconds) best = { seconds, threads };
  }
  return best ? { ok: true, ...best, values: {}, label } : { ok: false, note: `peer ${name} printed no time` };
}

/** The peer's row (its `key` value, default its seconds) and the ratio ours/peer in our row's note. */
export function withPeer(ours: Row, peer: PeerOutcome, key?: string): Row[] {
  if (!peer.ok) return [{ ...ours, note: [ours.note, peer.note].filter(Boolean).join('; ') }];
  const seconds = key === undefined ? peer.seconds : peer.values[key];
  const ratio = ours.seconds === undefined || !(seconds > 0) ? '' : `${(ours.seconds / seconds).toFixed(2)}x PyTorch`;
  return [
    { ...ours, note: [ratio, ours.note].filter(Boolean).join('; ') },
    { section: ours.section, case: ours.case, engine: `${peer.label}, ${peer.threads} thread${peer.threads > 1 ? 's' : ''}`, seconds },
  ];
}
