// im2col for NCHW inputs with pad + slice + reshape only, so the gradient exists on every tfjs backend: tfjs-wasm
// has no Conv2DBackpropFilter kernel, and Conv built on these patches never needs one.
import * as tf from '@tensorflow/tfjs-core';
import type { WindowGeometry } from './window-geometry';
import { everyNth } from './slice-runs';

/**
 * Windows of x [n, c, h, w] as [n, c, kh * kw, oh, ow] (kernel offsets row-major), pads filled with padValue.
 * Cost: kh * kw slices of the padded input; memory kh * kw times the output map.
 */
export function extractPatches(x: tf.Tensor4D, g: WindowGeometry, padValue: number): tf.Tensor5D {
  const [n, c, h, w] = x.shape;
  const [kh, kw] = g.kernel;
  const [dh, dw] = g.dilations;
  const [oh, ow] = g.output;
  // With one output along an axis its stride never applies (and a huge stride would only inflate the padding below).
  const sh = oh === 1 ? 1 : g.strides[0];
  const sw = ow === 1 ? 1 : g.strides[1];
  // Room for a strided slice of sh * oh rows from the last kernel offset (rows past the input are never selected).
  const needH = (kh - 1) * dh + sh * oh;
  const needW = (kw - 1) * dw + sw * ow;
  const extraH = Math.max(0, needH - (h + g.begin[0] + g.end[0]));
  const extraW = Math.max(0, needW - (w + g.begin[1] + g.end[1]));
  const padded =
    g.begin[0] + g.end[0] + extraH + g.begin[1] + g.end[1] + extraW > 0
      ? tf.pad(x, [[0, 0], [0, 0], [g.begin[0], g.end[0] + extraH], [g.begin[1], g.end[1] + extraW]], padValue)
      : x;
  const windows: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // Every sh-th row and sw-th column through rank-3 views (slice-runs.ts): a rank-6 fold and slice made the
      // strided MaxPools of a 20-layer CNN cost 0.4 s of every forward pass on tfjs-wasm.
      const win = tf.slice(padded, [0, 0, i * dh, j * dw], [n, c, sh * oh, sw * ow]);
      windows.push(tf.reshape(everyNth(everyNth(win, 2, sh), 3, sw), [n * c, 1, oh * ow]));
    }
  }
  // Concatenated at rank 3, not stacked at rank 5: the gradient of either slices it apart, and tfjs-wasm slices
  // rank <= 4 in runs but rank 5 element by element (that was most of the backward pass of a strided pool).
  return tf.reshape(tf.concat(windows, 1), [n, c, kh * kw, oh, ow]) as tf.Tensor5D;
}

/** Patches [n, c, kh kw, oh, ow] as GEMM rows [n oh ow, c kh kw]: an output pixel per row, columns in a weight's order. */
export function patchRows(patches: tf.Tensor5D): tf.Tensor2D {
  const [n, c, area, oh, ow] = patches.shape;
  return tf.reshape(tf.transpose(patches, [0, 3, 4, 1, 2]), [n * oh * ow, c * area]) as tf.Tensor2D;
}
