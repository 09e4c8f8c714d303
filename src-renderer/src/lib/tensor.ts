// Decodes the contract's TensorDto (little-endian float bytes in base64) in the renderer, which may not import the
// contract's own codec (src-main/contract/tensor-codec.ts) as a value.
import type { TensorDto } from '../../../src-main/contract/api';

export function decodeTensor(tensor: TensorDto): Float32Array | Float64Array {
  const binary = atob(tensor.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const size = tensor.shape.reduce((a, b) => a * b, 1);
  const width = tensor.dtype === 'float32' ? 4 : 8;
  if (bytes.length !== size * width) throw new Error(`tensor data holds ${bytes.length} bytes, shape [${tensor.shape.join(', ')}] needs ${size * width}`);
  // Typed arrays read the platform's byte order; every machine we target is little-endian, like the encoder.
  return tensor.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}
