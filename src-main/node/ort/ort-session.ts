// onnxruntime-node sessions as the engines here use them: CPU execution provider, one intra-op pool sized to the
// machine, sequential execution, full graph optimisation. Inputs wrap caller memory without a copy; every output comes
// back as a freshly allocated copy (onnxruntime-node 1.30 copies even into pre-allocated fetches, see ort-step-engine).
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';

export { ort };

/** Intra-op threads when the caller gives none: every core (2 on the CI machines). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export function checkThreads(threads: number | undefined): number {
  const value = threads ?? defaultThreads();
  if (!Number.isInteger(value) || value < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  return value;
}

/**
 * Whether an engine's pool threads busy-wait between parallel sections and after a run (onnxruntime's own default):
 * lower latency for runs that follow each other inside onnxruntime, a core taken from everything else meanwhile.
 * The Gram, conv-backward and float64 Gram engines are called in turn with JavaScript passes over their outputs (the
 * kernel's float64 sums, masks, Jacobian row copies), and a spinning thread takes the core those passes need: with it
 * off, the MLP full eNTK (n = 256) went from 190-208 to 158-178 ms, its class trace from 86-99 to 52-76 ms and CNN20's
 * from 2.25-2.57 to 1.98 s (docs/performance.md). The step engine runs its GD steps back to back inside one
 * onnxruntime run and keeps spinning.
 */
export const SPIN_BETWEEN_JS_PASSES = false;

/**
 * Creates a session from model bytes; keep it and reuse it (creation plans memory and prepacks constant weights).
 * `arena` (default true): the session keeps its own memory arena, grown to its largest run and never returned. Off for
 * sessions kept by the dozen (one per conv layer, ort-conv-engine.ts): their buffers then come from malloc and go
 * back after each run, so the arenas do not add up.
 */
export function createSession(model: Uint8Array, threads: number, spinning: boolean, arena = true): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: arena,
    enableMemPattern: arena,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  });
}

/** A float32 tensor over `data` (no copy); dims must multiply to data.length. */
export function f32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}
