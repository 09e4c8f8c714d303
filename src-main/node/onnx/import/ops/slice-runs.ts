// Slices of tfjs tensors taken through a rank-3 view [outer, axis, inner]. tfjs-wasm copies a slice of rank <= 4 in
// runs along its last axis and one of rank 5 or more element by element through a TensorBuffer (about 1 us each):
// the im2col windows, grouped convs, strided Slice and the gradients of all of them (a slice's gradient is a pad, a
// stack's is slices) ran at that speed. Seen through [outer, axis, inner] every slice is `outer` runs of
// `size * inner` contiguous values, at any rank, forward and backward.
import * as tf from '@tensorflow/tfjs-core';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** x with `axis` cut to [begin, begin + size). */
export function sliceAxis(x: tf.Tensor, axis: number, begin: number, size: number): tf.Tensor {
  if (begin === 0 && size === x.shape[axis]) return x;
  const outer = product(x.shape.slice(0, axis));
  const inner = product(x.shape.slice(axis + 1));
  // A last axis is cut as [outer, axis]: with a trailing 1 the generic CNN20 kernel of one sample took 21-22 s, not 14 s.
  const cut =
    inner === 1
      ? tf.slice(tf.reshape(x, [outer, x.shape[axis]]), [0, begin], [outer, size])
      : tf.slice(tf.reshape(x, [outer, x.shape[axis], inner]), [0, begin, 0], [outer, size, inner]);
  return tf.reshape(cut, x.shape.map((dim, d) => (d === axis ? size : dim)));
}

/** x cut to the box [begin, begin + size) on every axis (explicit sizes, no -1), one axis at a time. */
export function sliceBox(x: tf.Tensor, begin: readonly number[], size: readonly number[]): tf.Tensor {
  return begin.reduce((t, b, axis) => sliceAxis(t, axis, b, size[axis]), x);
}

/** Every step-th entry of `axis` from index 0, whose length is a multiple of step: the step folded into its own axis, index 0 kept. */
export function everyNth(x: tf.Tensor, axis: number, step: number): tf.Tensor {
  if (step === 1) return x;
  const kept = x.shape[axis] / step;
  const folded = [...x.shape.slice(0, axis), kept, step, ...x.shape.slice(axis + 1)];
  return tf.reshape(sliceAxis(tf.reshape(x, folded), axis + 1, 0, 1), x.shape.map((dim, d) => (d === axis ? kept : dim)));
}
