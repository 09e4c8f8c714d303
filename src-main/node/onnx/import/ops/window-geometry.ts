// Sliding-window geometry shared by Conv and the pools: kernel, strides, dilations, explicit or auto pads, ceil mode,
// resolved to per-axis begin/end pads and output sizes for the spatial axes of an NCHW input.
import { fail } from './op-values';
import type { OpContext } from './op-types';

export interface WindowGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Pads before each spatial axis. */
  readonly begin: readonly number[];
  /** Pads after each spatial axis (including what ceil mode adds). */
  readonly end: readonly number[];
  /** The ceil-mode extra included in `end`, which average pooling never counts. */
  readonly ceilExtra: readonly number[];
  readonly output: readonly number[];
}

/** Resolves the window attributes for spatial sizes `spatial` (e.g. [h, w]) and kernel sizes `kernel`. */
export function windowGeometry(ctx: OpContext, spatial: readonly number[], kernel: readonly number[]): WindowGeometry {
  const rank = spatial.length;
  const ones = new Array<number>(rank).fill(1);
  const strides = ctx.attrs.ints('strides', ones);
  const dilations = ctx.attrs.ints('dilations', ones);
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const ceil = ctx.attrs.int('ceil_mode', 0) !== 0;
  if (strides.length !== rank || dilations.length !== rank || kernel.length !== rank)
    fail(ctx, 'onnx/shape-mismatch', `kernel/strides/dilations must have ${rank} entries for a ${rank}-D window`);
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) fail(ctx, 'onnx/invalid-model', 'kernel, strides and dilations must be positive integers');
  const begin: number[] = [];
  const end: number[] = [];
  const ceilExtra: number[] = [];
  const output: number[] = [];
  const pads = ctx.attrs.ints('pads', new Array<number>(2 * rank).fill(0));
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) fail(ctx, 'onnx/invalid-model', `pads [${pads.join(', ')}] must be ${2 * rank} non-negative integers`);
  for (let i = 0; i < rank; i++) {
    const extent = (kernel[i] - 1) * dilations[i] + 1;
    let b = pads[i];
    let e = pads[i + rank];
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(spatial[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + extent - spatial[i]);
      b = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      e = total - b;
    } else if (autoPad === 'VALID') {
      b = 0;
      e = 0;
    } else if (autoPad !== 'NOTSET') {
      fail(ctx, 'onnx/unsupported-op', `auto_pad = ${autoPad}`);
    }
    const span = spatial[i] + b + e - extent;
    if (span < 0) fail(ctx, 'onnx/shape-mismatch', `the ${extent}-wide window is larger than the padded input (${spatial[i] + b + e}) on spatial axis ${i}`);
    let out = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    // Ceil mode never starts a window inside the end padding (PyTorch and onnxruntime agree).
    if (ceil && (out - 1) * strides[i] >= spatial[i] + b) out--;
    const extra = Math.max(0, (out - 1) * strides[i] + extent - (spatial[i] + b + e));
    begin.push(b);
    end.push(e + extra);
    ceilExtra.push(extra);
    output.push(out);
  }
  return { kernel, strides, dilations, begin, end, ceilExtra, output };
}
