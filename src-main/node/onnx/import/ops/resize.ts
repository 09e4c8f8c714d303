// Resize (opset 10 Upsample-style scales; 11+ roi, scales, sizes) of the spatial axes of a 4-D NCHW input, nearest
// or linear, through tfjs's resize kernels (they have gradients). Coordinate modes mapped: half_pixel and
// pytorch_half_pixel (half-pixel centres), align_corners, asymmetric; nearest rounding: floor with asymmetric,
// round_prefer_ceil/floor with half_pixel (what tfjs's half-pixel nearest does). Anything else is refused by name.
import * as tf from '@tensorflow/tfjs-core';
import { isHost } from '../ir';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';

/** Output [h, w] from a constant scales or sizes input (N and C unchanged). */
function targetSize(ctx: OpContext, inputs: readonly (Value | undefined)[], shape: readonly number[]): [number, number] {
  const constant = (index: number) => {
    const v = inputs[index];
    if (v === undefined) return undefined;
    if (!isHost(v)) fail(ctx, 'onnx/unsupported-op', `input ${index} (scales or sizes) depends on the data; only constants are supported`);
    return v.data.length === 0 ? undefined : Array.from(v.data);
  };
  const sizes = ctx.opset >= 11 ? constant(3) : undefined;
  const scales = constant(ctx.opset >= 11 ? 2 : 1);
  let out: number[];
  if (sizes) out = sizes;
  else if (scales) out = shape.map((d, i) => Math.floor(d * scales[i]));
  else return fail(ctx, 'onnx/invalid-model', 'neither scales nor sizes is given');
  if (out.length !== 4 || out[0] !== shape[0] || out[1] !== shape[1]) fail(ctx, 'onnx/unsupported-op', `resizing [${shape.join(', ')}] to [${out.join(', ')}]; only the two spatial axes of NCHW can change`);
  return [out[2], out[3]];
}

export const resizeOps: OpTable = {
  Resize: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      if (x.rank !== 4) fail(ctx, 'onnx/unsupported-op', `input of rank ${x.rank}; only 4-D NCHW inputs are supported`);
      const mode = ctx.attrs.string('mode', 'nearest');
      const coords = ctx.attrs.string('coordinate_transformation_mode', ctx.opset >= 11 ? 'half_pixel' : 'asymmetric');
      const nearest = ctx.attrs.string('nearest_mode', 'round_prefer_floor');
      if (mode !== 'nearest' && mode !== 'linear') fail(ctx, 'onnx/unsupported-op', `mode "${mode}"; nearest and linear are supported`);
      if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'].includes(coords)) fail(ctx, 'onnx/unsupported-op', `coordinate_transformation_mode "${coords}"`);
      if (mode === 'nearest' && !((coords === 'asymmetric' && nearest === 'floor') || (coords.endsWith('half_pixel') && nearest.startsWith('round_prefer'))))
        fail(ctx, 'onnx/unsupported-op', `nearest_mode "${nearest}" with ${coords} coordinates`);
      const [h, w] = targetSize(ctx, inputs, x.shape);
      guardShape(ctx, [...x.shape.slice(0, 2), h, w]);
      const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
      const alignCorners = coords === 'align_corners';
      const halfPixel = coords.endsWith('half_pixel');
      const resized = mode === 'linear' ? tf.image.resizeBilinear(nhwc, [h, w], alignCorners, halfPixel) : tf.image.resizeNearestNeighbor(nhwc, [h, w], alignCorners, halfPixel);
      return [tf.transpose(resized, [0, 3, 1, 2])];
    },
  },
};
