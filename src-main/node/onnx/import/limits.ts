// Size limits that turn absurd dimensions (corrupted files, bad exports) into coded errors before anything is
// allocated: a model the workbench can differentiate fits comfortably inside them.
import { CodedError } from '../../../contract/result';

/** Largest element count of a tensor stored in the file (initializer, input sample): 2^28, 1 GiB of float32. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
/**
 * Largest tensor an op may create while running (activations, im2col windows, padded inputs, shape-made constants):
 * 2^25 float32, 128 MiB. Smaller than the file limit because tfjs-wasm's heap holds several such tensors at once.
 */
export const MAX_ACTIVATION_ELEMENTS = 2 ** 25;
/** Largest rank the importer accepts. */
export const MAX_RANK = 8;

/** Throws onnx/invalid-model unless every dim is a non-negative integer, the rank is sane and the size fits `limit`. */
export function checkShape(shape: readonly number[], what: string, limit = MAX_TENSOR_ELEMENTS): void {
  if (shape.length > MAX_RANK) throw new CodedError('onnx/invalid-model', `${what}: rank ${shape.length} exceeds ${MAX_RANK}`);
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CodedError('onnx/invalid-model', `${what}: dimension ${d} in [${shape.join(', ')}] is not a valid size`);
    size *= d;
  }
  if (size > limit) throw new CodedError('onnx/invalid-model', `${what}: shape [${shape.join(', ')}] holds ${size} elements, more than the ${limit} allowed (absurd dimensions)`);
}
