// Gradients of one output at many cotangent seeds from a single forward pass. tf.grads records a tape for each call
// and frees it after one backward pass, so the k Jacobian rows of a sample cost k forwards as well as k backwards.
// This records the forward once (tfjs's own tape, as engine.gradients does) and walks it backwards once per seed,
// freeing the tape's saved tensors at the end. It reaches into tfjs-core 4.x internals (the engine's startTape,
// endTape and state.activeTape; the tape node fields), pinned by the lock file: one-forward-gradients.test.ts checks
// it against tf.grads, so a tfjs upgrade that changes them fails there, not in a kernel.
import * as tf from '@tensorflow/tfjs-core';

/** A recorded op, as tfjs-core's tape keeps it. */
interface TapeNode {
  readonly id: number;
  readonly kernelName: string;
  readonly outputs: tf.Tensor[];
  readonly inputs: Record<string, tf.Tensor>;
  readonly gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  readonly saved?: tf.Tensor[];
}

/** The engine members used here (private in tfjs's typings). */
interface TapeEngine {
  readonly state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

/** The nodes on a path from xs to y, in tape order, each with only its inputs that depend on xs. */
function nodesFromXsToY(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromXs = new Set(xs.map((x) => x.id));
  const usesXs = new Set<number>();
  for (const node of tape)
    if (Object.values(node.inputs).some((t) => fromXs.has(t.id))) {
      usesXs.add(node.id);
      for (const out of node.outputs) fromXs.add(out.id);
    }
  const toY = new Set([y.id]);
  const reachesY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (!node.outputs.some((out) => toY.has(out.id))) continue;
    reachesY.add(node.id);
    for (const t of Object.values(node.inputs)) toY.add(t.id);
  }
  return tape
    .filter((node) => usesXs.has(node.id) && reachesY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromXs.has(t.id))) }));
}

/** d y / d xs at cotangent dy, walking the nodes backwards; intermediate gradients are the caller's tidy's. */
function backward(nodes: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  const grads = new Map<number, tf.Tensor>([[y.id, dy]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!node.gradient) throw new Error(`no gradient is registered for the op ${node.kernelName}`);
    const inputGradients = node.gradient(node.outputs.map((out) => grads.get(out.id) ?? null));
    for (const [name, x] of Object.entries(node.inputs)) {
      // As tfjs's own backward: each gradient's temporaries freed at once, a summed-over gradient freed once added.
      const dx = tf.tidy(() => inputGradients[name]());
      const have = grads.get(x.id);
      if (!have) grads.set(x.id, dx);
      else {
        grads.set(x.id, tf.add(have, dx));
        tf.dispose([have, dx]);
      }
    }
  }
  return xs.map((x) => grads.get(x.id) ?? tf.zerosLike(x));
}

/**
 * Runs f once under a tape, then for each seed s < seeds: the gradient of f's output y at cotangent seed(s) (shaped
 * like y) with respect to xs, handed to `each` inside a tidy (read it there; it is disposed after). `between` is awaited
 * before each seed (where a cancel is noticed); the tape is detached from the engine first, so other tfjs work may
 * run meanwhile. Cost: one forward and `seeds` backward passes. Not for use inside another gradient computation.
 */
export async function gradientsPerSeed(
  f: () => tf.Tensor,
  xs: readonly tf.Tensor[],
  seeds: number,
  seed: (s: number) => tf.Tensor,
  each: (s: number, grads: tf.Tensor[]) => void,
  between: (s: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const engine = tf.engine() as unknown as TapeEngine;
  if (engine.state.gradientDepth !== 0) throw new Error('gradientsPerSeed cannot run inside another gradient computation');
  engine.startTape();
  let y: tf.Tensor | undefined;
  try {
    y = tf.tidy(f);
  } finally {
    engine.endTape();
  }
  const tape = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  try {
    const out = y;
    const nodes = nodesFromXsToY(tape, xs, out);
    for (let s = 0; s < seeds; s++) {
      await between(s);
      tf.tidy(() => each(s, backward(nodes, xs, out, seed(s))));
    }
  } finally {
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    y.dispose();
  }
}
