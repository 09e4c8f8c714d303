// Float arrays across transports: little-endian bytes in base64, so a kernel is one compact string in JSON and in
// structured clones alike. Pure TypeScript (atob/btoa exist in Node 16+ and every browser).
import type { TensorDto } from './api';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeTensor(data: Float32Array | Float64Array, shape: readonly number[]): TensorDto {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`tensor of shape [${shape.join(', ')}] given ${data.length} values`);
  const dtype = data instanceof Float32Array ? 'float32' : 'float64';
  return { shape: [...shape], dtype, data: toBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) };
}

export function decodeTensor(tensor: TensorDto): Float32Array | Float64Array {
  const bytes = fromBase64(tensor.data);
  const size = tensor.shape.reduce((a, b) => a * b, 1);
  const width = tensor.dtype === 'float32' ? 4 : 8;
  if (bytes.length !== size * width) throw new Error(`tensor data holds ${bytes.length} bytes, shape [${tensor.shape.join(', ')}] needs ${size * width}`);
  return tensor.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}
