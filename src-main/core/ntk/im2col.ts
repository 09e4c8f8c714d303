// Patches of one NCHW sample for a 2-D convolution window (strides, dilations, zero padding): the input side of a
// conv layer's weight gradient, dL/dW = G P^T with G the output cotangent [cout, oh ow] and P these patches.

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
 * Patches of x [c, h, w] (float32, one sample) for channels [c0, c0 + cg), transposed: [cg kh kw, oh ow] row-major,
 * rows ordered (channel, kernel row, kernel column) like a weight [cout, cg, kh, kw] flattened, so that J = G P^T.
 * Laid out this way every write runs along the output positions (contiguous; a plain copy of an input row where the
 * stride is 1). With `fill`, one more row after them, every entry fill (a bias's column of J = G P^T). Cost
 * O(oh ow cg kh kw).
 */
export function im2colT(x: Float32Array, h: number, w: number, c0: number, cg: number, win: ConvWindow, fill?: number): Float32Array {
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.strides;
  const [dh, dw] = win.dilations;
  const [top, left] = win.begin;
  const [oh, ow] = win.output;
  const positions = oh * ow;
  const out = new Float32Array((cg * kh * kw + (fill === undefined ? 0 : 1)) * positions);
  if (fill !== undefined) out.fill(fill, cg * kh * kw * positions);
  for (let ch = 0; ch < cg; ch++) {
    const plane = (c0 + ch) * h * w;
    for (let ki = 0; ki < kh; ki++)
      for (let kj = 0; kj < kw; kj++) {
        const base = ((ch * kh + ki) * kw + kj) * positions;
        // Output columns whose input column lies inside the row: ox in [lo, hi).
        const shift = kj * dw - left;
        const lo = Math.max(0, Math.ceil(-shift / sw));
        const hi = Math.min(ow, Math.floor((w - 1 - shift) / sw) + 1);
        if (hi <= lo) continue;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - top + ki * dh;
          if (iy < 0 || iy >= h) continue;
          const row = plane + iy * w + shift;
          const at = base + oy * ow;
          if (sw === 1) out.set(x.subarray(row + lo, row + hi), at + lo);
          else for (let ox = lo; ox < hi; ox++) out[at + ox] = x[row + ox * sw];
        }
      }
  }
  return out;
}
