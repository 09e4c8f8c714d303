// Arithmetic on host constants (numpy broadcasting, row-major): what shape idioms and constant folding need,
// in float64 so int64 shape values stay exact.
import { hostTensor, sizeOf, type HostDtype, type HostTensor } from '../ir';

/** Numpy broadcast of two shapes, or undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/** Flat index into `shape` (right-aligned, size-1 dims broadcast) for the multi-index of `flat` in `out`. */
function broadcastIndex(flat: number, out: readonly number[], outStrides: readonly number[], shape: readonly number[], strides: readonly number[]): number {
  let index = 0;
  const offset = out.length - shape.length;
  for (let d = 0; d < out.length; d++) {
    const coord = Math.floor(flat / outStrides[d]) % out[d];
    const sd = d - offset;
    if (sd >= 0 && shape[sd] !== 1) index += coord * strides[sd];
  }
  return index;
}

/** Elementwise a (op) b with broadcasting; result dtype float unless both are int (or `dtype` says otherwise). */
export function hostBinary(a: HostTensor, b: HostTensor, op: (x: number, y: number) => number, dtype?: HostDtype): HostTensor | undefined {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) return undefined;
  const out = new Float64Array(sizeOf(shape));
  const os = stridesOf(shape);
  const as = stridesOf(a.shape);
  const bs = stridesOf(b.shape);
  for (let i = 0; i < out.length; i++) out[i] = op(a.data[broadcastIndex(i, shape, os, a.shape, as)], b.data[broadcastIndex(i, shape, os, b.shape, bs)]);
  const resultType = dtype ?? (a.dtype === 'int' && b.dtype === 'int' ? 'int' : a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32');
  return hostTensor(resultType, shape, out);
}

export function hostUnary(a: HostTensor, op: (x: number) => number): HostTensor {
  return hostTensor(a.dtype, a.shape, Float64Array.from(a.data, op));
}

/** Expands a to `shape` (numpy broadcasting). */
export function hostExpand(a: HostTensor, shape: readonly number[]): HostTensor {
  const out = new Float64Array(sizeOf(shape));
  const os = stridesOf(shape);
  const as = stridesOf(a.shape);
  for (let i = 0; i < out.length; i++) out[i] = a.data[broadcastIndex(i, shape, os, a.shape, as)];
  return hostTensor(a.dtype, shape, out);
}

/** Permutes the axes of a (perm[i] is the input axis of output axis i). */
export function hostTranspose(a: HostTensor, perm: readonly number[]): HostTensor {
  const shape = perm.map((p) => a.shape[p]);
  const inStrides = stridesOf(a.shape);
  const os = stridesOf(shape);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += (Math.floor(i / os[d]) % shape[d]) * inStrides[perm[d]];
    out[i] = a.data[src];
  }
  return hostTensor(a.dtype, shape, out);
}
