// PyTorch as the peer in `npm run bench`: runs a script from bench/peers/ under Debian's python3-torch, at each
// thread count up to the machine's cores, and keeps the fastest. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed
// from the peer's environment only (they slow a current OpenBLAS on these CPUs about 2.6x). Absent torch gives a
// note, never a failure: peers are for the printed comparison, not for tests or CI.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Row } from './measure';

const run = promisify(execFile);
const PYTHONS = [process.env.NTK_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p));

export type PeerOutcome = { readonly ok: true; readonly seconds: number; readonly threads: number } | { readonly ok: false; readonly note: string };

let python: Promise<string | null> | undefined;

/** The first python that imports torch, or null. */
function torchPython(): Promise<string | null> {
  python ??= (async () => {
    for (const candidate of PYTHONS) {
      try {
        await run(candidate, ['-c', 'import torch'], { timeout: 60_000 });
        return candidate;
      } catch {
        continue;
      }
    }
    return null;
  })();
  return python;
}

function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Seconds of `bench/peers/<name>.py` at its best thread count. The script receives `--threads T` and `args` as
 * `--key value`, does its own warm-up and prints one JSON line `{"seconds": s}` last on stdout.
 */
export async function torchPeer(name: string, args: Readonly<Record<string, string | number>> = {}): Promise<PeerOutcome> {
  const py = await torchPython();
  if (!py) return { ok: false, note: 'peer skipped: no python with torch (apt install python3-torch libopenblas0-pthread)' };
  const script = fileURLToPath(new URL(`./peers/${name}.py`, import.meta.url));
  const flags = Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  let best: { seconds: number; threads: number } | null = null;
  for (let threads = 1; threads <= availableParallelism(); threads++) {
    try {
      const { stdout } = await run(py, [script, '--threads', String(threads), ...flags], { env: peerEnv(threads), timeout: 900_000, maxBuffer: 64 << 20 });
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const seconds = Number((JSON.parse(last) as { seconds?: unknown }).seconds);
      if (Number.isFinite(seconds) && (!best || seconds < best.seconds)) best = { seconds, threads };
    } catch (error) {
      return { ok: false, note: `peer ${name} failed: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  return best ? { ok: true, ...best } : { ok: false, note: `peer ${name} printed no time` };
}

/** The peer's row and the ratio ours/peer in our row's note. */
export function withPeer(ours: Row, peer: PeerOutcome): Row[] {
  if (!peer.ok) return [{ ...ours, note: [ours.note, peer.note].filter(Boolean).join('; ') }];
  const ratio = ours.seconds === undefined ? '' : `${(ours.seconds / peer.seconds).toFixed(2)}x PyTorch`;
  return [
    { ...ours, note: [ratio, ours.note].filter(Boolean).join('; ') },
    { section: ours.section, case: ours.case, engine: `PyTorch (${peer.threads} thread${peer.threads > 1 ? 's' : ''})`, seconds: peer.seconds },
  ];
}
