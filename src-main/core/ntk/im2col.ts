// Patches of one NCHW sample for a 2-D convolution window (strides, dilations, zero padding): the input side of a
// conv layer's weight gradient, dL/dW = G X^T with G the output cotangent [cout, oh ow] and X these patches.

/** A conv window resolved for one input size: what ONNX's kernel_shape, strides, dilations and pads give. */
export interface ConvWindow {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** Zero padding before the first row and column (the end padding only shows in `output`). */
  readonly begin: readonly [number, number];
  readonly output: readonly [number, number];
}

/**
 * Patches of x [c, h, w] (float32, one sample) for channels [c0, c0 + cg): [oh ow, cg kh kw] row-major, columns
 * ordered (channel, kernel row, kernel column) like a weight [cout, cg, kh, kw] flattened. Cost O(oh ow cg kh kw).
 */
export function im2col(x: Float32Array, h: number, w: number, c0: number, cg: number, win: ConvWindow): Float32Array {
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [dh, dw] = win.dilations;
  const [top, left] = win.begin;
  const [oh, ow] = win.output;
  const cols = cg * kh * kw;
  const out = new Float32Array(oh * ow * cols);
  for (let ch = 0; ch < cg; ch++) {
    const plane = (c0 + ch) * h * w;
    for (let ki = 0; ki < kh; ki++)
      for (let kj = 0; kj < kw; kj++) {
        const col = (ch * kh + ki) * kw + kj;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - top + ki * dh;
          if (iy < 0 || iy >= h) continue;
          const row = plane + iy * w;
          const base = oy * ow;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw - left + kj * dw;
            if (ix >= 0 && ix < w) out[(base + ox) * cols + col] = x[row + ix];
          }
        }
      }
  }
  return out;
}
