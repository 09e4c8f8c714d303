// Transposes of tensors that stay fixed for a while (the parameters while a generic eNTK takes n k backward passes)
// made once instead of on every product: on tfjs-wasm the dense products transpose their weight explicitly (see
// dense-op.ts), which for a 784 x 256 layer costs more than the product itself, and a fresh transpose also makes
// XNNPACK repack the weights. Tensors are immutable and Identity shares its input's data, so the cache is keyed by
// data; only the tensors named when the scope opens are cached, never activations.
import * as tf from '@tensorflow/tfjs-core';

let scope: { readonly allowed: ReadonlySet<object>; readonly cache: Map<object, tf.Tensor2D> } | null = null;

/** t^T; within withConstantTransposes and for one of its tensors, the same transposed tensor every time. */
export function transposeOf(t: tf.Tensor2D): tf.Tensor2D {
  const key = t.dataId as object;
  if (!scope || !scope.allowed.has(key)) return tf.transpose(t);
  let hit = scope.cache.get(key);
  if (!hit || hit.isDisposed) {
    hit = tf.keep(tf.transpose(t));
    scope.cache.set(key, hit);
  }
  return hit;
}

/** Runs `work` with the transposes of `fixed` cached; disposes them after. Scopes do not nest (the inner one wins). */
export async function withConstantTransposes<T>(fixed: readonly tf.Tensor[], work: () => Promise<T>): Promise<T> {
  const outer = scope;
  const current = { allowed: new Set<object>(fixed.map((t) => t.dataId as object)), cache: new Map<object, tf.Tensor2D>() };
  scope = current;
  try {
    return await work();
  } finally {
    for (const t of current.cache.values()) t.dispose();
    scope = outer;
  }
}
