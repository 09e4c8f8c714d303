// Transposes of tensors that stay fixed for a while (the parameters while a generic eNTK takes n k backward passes)
// made once instead of on every product: on tfjs-wasm the dense products transpose their weight explicitly (see
// dense-op.ts), which for a 784 x 256 layer costs more than the product itself, and a fresh transpose also makes
// XNNPACK repack the weights. Tensors are immutable and Identity shares its input's data, so the cache is keyed by
// data; only the tensors named when the scope opens are cached, never activations.
import * as tf from '@tensorflow/tfjs-core';

interface Scope {
  readonly allowed: ReadonlySet<object>;
  readonly cache: Map<object, tf.Tensor2D>;
}

/** Open scopes; several may overlap in time (computations awaiting in turn), each owning its own tensors. */
const scopes = new Set<Scope>();

/** t^T; within withConstantTransposes and for one of its tensors, the same transposed tensor every time. */
export function transposeOf(t: tf.Tensor2D): tf.Tensor2D {
  const key = t.dataId as object;
  for (const scope of scopes) {
    if (!scope.allowed.has(key)) continue;
    let hit = scope.cache.get(key);
    if (!hit || hit.isDisposed) {
      hit = tf.keep(tf.transpose(t));
      scope.cache.set(key, hit);
    }
    return hit;
  }
  return tf.transpose(t);
}

/** Runs `work` with the transposes of `fixed` cached; disposes them when it settles. */
export async function withConstantTransposes<T>(fixed: readonly tf.Tensor[], work: () => Promise<T>): Promise<T> {
  const scope: Scope = { allowed: new Set<object>(fixed.map((t) => t.dataId as object)), cache: new Map() };
  scopes.add(scope);
  try {
    return await work();
  } finally {
    scopes.delete(scope);
    for (const t of scope.cache.values()) t.dispose();
  }
}
