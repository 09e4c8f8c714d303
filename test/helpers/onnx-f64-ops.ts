// The float64 ONNX ops of the test reference (onnx-f64.ts), written from the ONNX operator spec in plain loops over
// dense row-major arrays: no tfjs, nothing of the importer's translators or the structured eNTK's im2col, so the
// reference shares no arithmetic with the code it checks. Covers what the conv and residual fixtures use.

export interface T64 {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

export const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
export const t64 = (dims: readonly number[], data: Float64Array): T64 => {
  if (data.length !== size(dims)) throw new Error(`tensor of dims [${dims.join(', ')}] given ${data.length} values`);
  return { dims: [...dims], data };
};
const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Numpy-style multidirectional broadcast of an elementwise binary op. */
export function broadcast(a: T64, b: T64, f: (x: number, y: number) => number): T64 {
  if (a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i])) return t64(a.dims, a.data.map((v, i) => f(v, b.data[i])));
  const first = b.dims.findIndex((d) => d !== 1);
  const core = first < 0 ? [] : b.dims.slice(first);
  if (b.dims.length <= a.dims.length && core.every((d, i) => d === a.dims[a.dims.length - core.length + i])) {
    // b broadcasts along a's leading axes only (a bias row, a scalar): b's index is a's modulo its size.
    const m = b.data.length;
    return t64(a.dims, a.data.map((v, i) => f(v, b.data[i % m])));
  }
  const rank = Math.max(a.dims.length, b.dims.length);
  const pa = [...new Array<number>(rank - a.dims.length).fill(1), ...a.dims];
  const pb = [...new Array<number>(rank - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new Error(`cannot broadcast [${a.dims.join(', ')}] with [${b.dims.join(', ')}]`);
    return Math.max(d, pb[i]);
  });
  const sa = stridesOf(pa).map((s, i) => (pa[i] === 1 ? 0 : s));
  const sb = stridesOf(pb).map((s, i) => (pb[i] === 1 ? 0 : s));
  const out = new Float64Array(size(dims));
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    out[o] = f(a.data[ia], b.data[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return t64(dims, out);
}

export const unary = (x: T64, f: (v: number) => number): T64 => t64(x.dims, x.data.map(f));

/** erf to ~1e-15: Maclaurin series below 2.5, the Laplace continued fraction of erfc above. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 80 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  let frac = a;
  for (let n = 60; n >= 1; n--) frac = a + n / 2 / frac;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / frac);
}

export interface Window2d {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, left, bottom, right]: ONNX's [x1_begin, x2_begin, x1_end, x2_end]. */
  readonly pads: readonly [number, number, number, number];
  readonly ceil: boolean;
}

/** Output extent of a sliding window (ONNX Conv / pooling, with the ceil_mode rule that a window starts in the input or the begin pad). */
export function windowOut(input: number, axis: 0 | 1, w: Window2d): number {
  const span = w.dilations[axis] * (w.kernel[axis] - 1) + 1;
  const room = input + w.pads[axis] + w.pads[axis + 2] - span;
  let out = (w.ceil ? Math.ceil(room / w.strides[axis]) : Math.floor(room / w.strides[axis])) + 1;
  if (w.ceil && (out - 1) * w.strides[axis] >= input + w.pads[axis]) out--;
  return out;
}

/** auto_pad SAME_UPPER / SAME_LOWER / VALID to explicit pads (NOTSET keeps `pads`). */
export function autoPads(mode: string, input: readonly [number, number], w: Omit<Window2d, 'pads' | 'ceil'>, pads: readonly number[]): [number, number, number, number] {
  if (mode === 'NOTSET' || mode === '') return [pads[0] ?? 0, pads[1] ?? 0, pads[2] ?? 0, pads[3] ?? 0];
  if (mode === 'VALID') return [0, 0, 0, 0];
  const p = [0, 0, 0, 0] as [number, number, number, number];
  for (const axis of [0, 1] as const) {
    const out = Math.ceil(input[axis] / w.strides[axis]);
    const total = Math.max(0, (out - 1) * w.strides[axis] + w.dilations[axis] * (w.kernel[axis] - 1) + 1 - input[axis]);
    const small = Math.floor(total / 2);
    p[axis] = mode === 'SAME_UPPER' ? small : total - small;
    p[axis + 2] = total - p[axis];
  }
  return p;
}

/** Conv, NCHW, weights [M, C/group, kh, kw], optional bias [M]. */
export function conv2d(x: T64, w: T64, b: T64 | undefined, group: number, win: Window2d): T64 {
  const [n, c, h, wd] = x.dims;
  const [m, cg, kh, kw] = w.dims;
  if (cg * group !== c || m % group !== 0) throw new Error(`Conv: ${c} input channels, weight [${w.dims.join(', ')}], group ${group}`);
  const oh = windowOut(h, 0, win);
  const ow = windowOut(wd, 1, win);
  const out = new Float64Array(n * m * oh * ow);
  const perGroup = m / group;
  const [sy, sx] = win.strides;
  const [dy, dx] = win.dilations;
  // Per output element the sum runs bias, then (channel, kernel row, kernel column) in order; loops are arranged so
  // each weight is read once per output plane.
  for (let s = 0; s < n; s++)
    for (let o = 0; o < m; o++) {
      const g = Math.floor(o / perGroup);
      const plane = (s * m + o) * oh * ow;
      if (b) out.fill(b.data[o], plane, plane + oh * ow);
      for (let ci = 0; ci < cg; ci++) {
        const inPlane = (s * c + g * cg + ci) * h * wd;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const wv = w.data[((o * cg + ci) * kh + ky) * kw + kx];
            for (let oy = 0; oy < oh; oy++) {
              const iy = oy * sy - win.pads[0] + ky * dy;
              if (iy < 0 || iy >= h) continue;
              const rowIn = inPlane + iy * wd;
              const rowOut = plane + oy * ow;
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * sx - win.pads[1] + kx * dx;
                if (ix >= 0 && ix < wd) out[rowOut + ox] += wv * x.data[rowIn + ix];
              }
            }
          }
      }
    }
  return t64([n, m, oh, ow], out);
}

/** MaxPool or AveragePool over NCHW. `onWindow` sees each max window's values (the reference's kink margins). */
export function pool2d(x: T64, kind: 'max' | 'average', win: Window2d, countIncludePad: boolean, onWindow?: (values: number[]) => void): T64 {
  const [n, c, h, wd] = x.dims;
  const oh = windowOut(h, 0, win);
  const ow = windowOut(wd, 1, win);
  const out = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const values: number[] = [];
        let padded = 0;
        for (let ky = 0; ky < win.kernel[0]; ky++) {
          const iy = oy * win.strides[0] - win.pads[0] + ky * win.dilations[0];
          for (let kx = 0; kx < win.kernel[1]; kx++) {
            const ix = ox * win.strides[1] - win.pads[1] + kx * win.dilations[1];
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
            if (inside) values.push(x.data[(p * h + iy) * wd + ix]);
            else if (iy >= -win.pads[0] && iy < h + win.pads[2] && ix >= -win.pads[1] && ix < wd + win.pads[3]) padded++;
          }
        }
        if (kind === 'max') onWindow?.(values);
        const sum = values.reduce((a, v) => a + v, 0);
        out[(p * oh + oy) * ow + ox] = kind === 'max' ? Math.max(...values) : sum / (values.length + (countIncludePad ? padded : 0));
      }
  return t64([n, c, oh, ow], out);
}

/** Y = alpha op(A) op(B) + beta C, A and B 2-D. */
export function gemm(a: T64, b: T64, c: T64 | undefined, alpha: number, beta: number, transA: boolean, transB: boolean): T64 {
  const [m, ka] = transA ? [a.dims[1], a.dims[0]] : [a.dims[0], a.dims[1]];
  const [kb, nn] = transB ? [b.dims[1], b.dims[0]] : [b.dims[0], b.dims[1]];
  if (ka !== kb) throw new Error(`Gemm: inner sizes ${ka} and ${kb}`);
  const out = new Float64Array(m * nn);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < nn; j++) {
      let s = 0;
      for (let q = 0; q < ka; q++) s += (transA ? a.data[q * m + i] : a.data[i * ka + q]) * (transB ? b.data[j * kb + q] : b.data[q * nn + j]);
      out[i * nn + j] = alpha * s;
    }
  const y = t64([m, nn], out);
  return c ? broadcast(y, c, (u, v) => u + beta * v) : y;
}

/** MatMul of A [..., m, k] by B [..., k, n], the leading (batch) dims broadcast numpy-style; no 1-D operands. */
export function matmul(a: T64, b: T64): T64 {
  if (a.dims.length < 2 || b.dims.length < 2) throw new Error('MatMul: the reference takes operands of rank 2 or more');
  const [m, k] = a.dims.slice(-2);
  const nn = b.dims[b.dims.length - 1];
  if (b.dims[b.dims.length - 2] !== k) throw new Error(`MatMul: inner sizes ${k} and ${b.dims[b.dims.length - 2]}`);
  const rank = Math.max(a.dims.length, b.dims.length) - 2;
  // Each operand's batch dims padded to `rank` with leading 1s; a dim of 1 repeats its matrix.
  const pad = (dims: readonly number[]) => [...new Array<number>(rank - (dims.length - 2)).fill(1), ...dims.slice(0, -2)];
  const aBatch = pad(a.dims);
  const bBatch = pad(b.dims);
  const batch = aBatch.map((d, i) => Math.max(d, bBatch[i]));
  if (batch.some((d, i) => (aBatch[i] !== 1 && aBatch[i] !== d) || (bBatch[i] !== 1 && bBatch[i] !== d))) throw new Error('MatMul: batch dims do not broadcast');
  const out = new Float64Array(size(batch) * m * nn);
  const idx = new Array<number>(rank).fill(0);
  for (let t = 0; t < size(batch); t++) {
    let aAt = 0;
    let bAt = 0;
    for (let d = 0; d < rank; d++) {
      aAt = aAt * aBatch[d] + (aBatch[d] === 1 ? 0 : idx[d]);
      bAt = bAt * bBatch[d] + (bBatch[d] === 1 ? 0 : idx[d]);
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < nn; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[(aAt * m + i) * k + q] * b.data[(bAt * k + q) * nn + j];
        out[(t * m + i) * nn + j] = s;
      }
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return t64([...batch, m, nn], out);
}

export function transpose(x: T64, perm: readonly number[]): T64 {
  const dims = perm.map((p) => x.dims[p]);
  const src = stridesOf(x.dims);
  const out = new Float64Array(x.data.length);
  const idx = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let i = 0;
    for (let d = 0; d < dims.length; d++) i += idx[d] * src[perm[d]];
    out[o] = x.data[i];
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return t64(dims, out);
}

export function concat(xs: readonly T64[], axis: number): T64 {
  const ax = axisOf(axis, xs[0].dims.length);
  const outer = size(xs[0].dims.slice(0, ax));
  const dims = [...xs[0].dims];
  dims[ax] = xs.reduce((s, x) => s + x.dims[ax], 0);
  const out = new Float64Array(size(dims));
  let at = 0;
  for (let o = 0; o < outer; o++)
    for (const x of xs) {
      const chunk = size(x.dims.slice(ax));
      out.set(x.data.subarray(o * chunk, (o + 1) * chunk), at);
      at += chunk;
    }
  return t64(dims, out);
}

export function gather(x: T64, indices: T64, axis: number): T64 {
  const ax = axisOf(axis, x.dims.length);
  const outer = size(x.dims.slice(0, ax));
  const inner = size(x.dims.slice(ax + 1));
  const dims = [...x.dims.slice(0, ax), ...indices.dims, ...x.dims.slice(ax + 1)];
  const out = new Float64Array(size(dims));
  let at = 0;
  for (let o = 0; o < outer; o++)
    for (const raw of indices.data) {
      const i = raw < 0 ? raw + x.dims[ax] : raw;
      out.set(x.data.subarray((o * x.dims[ax] + i) * inner, (o * x.dims[ax] + i + 1) * inner), at);
      at += inner;
    }
  return t64(dims, out);
}

/** Reshape with ONNX's 0 (copy the input dim) and -1 (infer). */
export function reshape(x: T64, shape: readonly number[], allowZero: boolean): T64 {
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return t64(
    dims.map((d) => (d === -1 ? x.data.length / known : d)),
    x.data,
  );
}

/** Mean and 1/sqrt(var + eps) normalisation over the trailing axes from `axis`, then Scale and B broadcast (LayerNormalization). */
export function layerNorm(x: T64, scale: T64, bias: T64 | undefined, axis: number, epsilon: number): T64 {
  const ax = axisOf(axis, x.dims.length);
  const inner = size(x.dims.slice(ax));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < x.data.length / inner; o++) {
    const row = x.data.subarray(o * inner, (o + 1) * inner);
    const mean = row.reduce((a, v) => a + v, 0) / inner;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / inner;
    for (let i = 0; i < inner; i++) out[o * inner + i] = (row[i] - mean) / Math.sqrt(variance + epsilon);
  }
  const scaled = broadcast(t64(x.dims, out), scale, (v, s) => v * s);
  return bias ? broadcast(scaled, bias, (v, b) => v + b) : scaled;
}

/** ReduceMean over `axes` (all when empty). */
export function reduceMean(x: T64, axes: readonly number[], keepDims: boolean): T64 {
  const rank = x.dims.length;
  const reduced = new Set((axes.length ? axes : x.dims.map((_, i) => i)).map((a) => axisOf(a, rank)));
  const kept = x.dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const strides = stridesOf(kept);
  const out = new Float64Array(size(kept));
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) if (!reduced.has(d)) o += idx[d] * strides[d];
    out[o] += x.data[i];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < x.dims[d]) break;
      idx[d] = 0;
    }
  }
  const count = x.data.length / out.length;
  return t64(
    keepDims ? kept : x.dims.filter((_, i) => !reduced.has(i)),
    out.map((v) => v / count),
  );
}

/** Softmax or LogSoftmax along `axis` (opset 13 semantics; `flatten` for the older coerce-to-2-D form). */
export function softmax(x: T64, axis: number, log: boolean, flatten: boolean): T64 {
  const ax = axisOf(axis, x.dims.length);
  const inner = flatten ? size(x.dims.slice(ax)) : x.dims[ax];
  const stride = flatten ? 1 : size(x.dims.slice(ax + 1));
  const out = new Float64Array(x.data.length);
  const groups = x.data.length / inner;
  for (let gi = 0; gi < groups; gi++) {
    const base = Math.floor(gi / stride) * inner * stride + (gi % stride);
    let max = -Infinity;
    for (let i = 0; i < inner; i++) max = Math.max(max, x.data[base + i * stride]);
    let sum = 0;
    for (let i = 0; i < inner; i++) sum += Math.exp(x.data[base + i * stride] - max);
    for (let i = 0; i < inner; i++) {
      const z = x.data[base + i * stride] - max;
      out[base + i * stride] = log ? z - Math.log(sum) : Math.exp(z) / sum;
    }
  }
  return t64(x.dims, out);
}
