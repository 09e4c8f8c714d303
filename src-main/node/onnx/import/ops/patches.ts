// im2col for NCHW inputs with pad + slice + reshape only, so the gradient exists on every tfjs backend: tfjs-wasm
// has no Conv2DBackpropFilter kernel (stack-notes.md), and Conv built on these patches never needs one.
import * as tf from '@tensorflow/tfjs-core';
import type { WindowGeometry } from './window-geometry';

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
      let win: tf.Tensor = tf.slice(padded, [0, 0, i * dh, j * dw], [n, c, sh * oh, sw * ow]);
      if (sh !== 1 || sw !== 1) {
        win = tf.reshape(win, [n, c, oh, sh, ow, sw]);
        win = tf.slice(win, [0, 0, 0, 0, 0, 0], [n, c, oh, 1, ow, 1]);
        win = tf.reshape(win, [n, c, oh, ow]);
      }
      windows.push(win);
    }
  }
  return tf.stack(windows, 2) as tf.Tensor5D;
}
