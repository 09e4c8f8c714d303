// Shared by the fault-injection suite (test/fault/*.test.ts, one file per fault class): a seeded random source, child
// processes of the CLI, of `serve` and of bash around a fixture, and the checks every fault must pass (the database
// opens and checks ok, the run is interrupted, every metric seen committed before the fault is still there).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import type { RunState } from '../../src-main/node/store/types';
import { storePathIn } from '../../src-main/node/store/workspace-dir';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/ntk-workbench.js', import.meta.url));

/**
 * Runs `script` in bash with `args` as $1..., from the repository root (how a fault is set up around a child: a
 * `ulimit`, a private mount), and resolves to the lines it printed; a non-zero exit rejects with its output.
 */
export function bashChildLines(script: string, args: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', ['-c', script, 'child', ...args], { cwd: repoRoot });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk) => (out += String(chunk)));
    proc.stderr.on('data', (chunk) => (err += String(chunk)));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`child exited ${code}: ${err}\n${out}`))));
  });
}

/** mulberry32: a small seeded generator, so that a failing kill point can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A run that records metrics every few steps and a kernel now and then, long enough never to finish by itself. */
export const STREAMING_CONFIG = {
  name: 'fault',
  seed: 1,
  steps: 1_000_000,
  model: { arch: 'fcn', depth: 2, width: 16 },
  loss: { kind: 'bce' },
  optimizer: { kind: 'gd', lr: 0.01 },
  data: { kind: 'circle', n: 6 },
  // No analytic kernel: the setup a kill point waits for stays short.
  ntk: { analytic: 'none' },
  logging: { metrics: { every: 3 }, kernels: { every: 40 } },
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Child {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[]): Child {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NTK_BACKEND: 'cpu' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exit };
}

/** Waits until `probe` answers something other than undefined (polling), or fails after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Steps per metric name, as a reader saw them committed. */
export type SeenSteps = Record<string, number[]>;

export function stepsOf(series: Record<string, { steps: ArrayLike<number> }>): SeenSteps {
  return Object.fromEntries(Object.entries(series).map(([name, s]) => [name, Array.from(s.steps)]));
}

/** The checks every kill must pass, on the workspace as the next start opens it. */
export function expectRecovered(workspaceDir: string, runId: number, seen: SeenSteps, status: RunState = 'interrupted'): void {
  const store = openStore(storePathIn(workspaceDir));
  try {
    expect(store.check()).toEqual(['ok']);
    expect(store.runs.get(runId).status).toBe(status);
    const stored = stepsOf(store.metrics.read(runId));
    for (const [name, steps] of Object.entries(seen)) {
      const kept = new Set(stored[name] ?? []);
      expect(steps.filter((step) => !kept.has(step)), `metric ${name}: committed steps lost`).toEqual([]);
    }
  } finally {
    store.close();
  }
}
