// The analytic (infinite-width) NTK of one spec (FCN or ResNet, derived or as printed in arXiv 2504.11130), on input
// matrices or single pairs. Each kernel needs only <x,x'>, |x|^2, |x'|^2: a matrix is one float64 Gram (dense blocked,
// or sparse for mostly-zero inputs such as MNIST) plus O(depth) per entry. Math.acos (~15 ns, ~100 of the ~250 ms
// per-entry time at n = 2000, depth 3) is kept: an inline rational arccos measured no faster.
import { CodedError } from '../../contract/result';
import { fcnNtkFn } from './analytic-fcn';
import { resnetNtkFn } from './analytic-resnet';
import type { AnalyticSpec, PairKernelFn } from './analytic-types';

/** The pair kernel for a spec, after checking it; throws `config/invalid`. */
export function analyticPairKernelFn(spec: AnalyticSpec): PairKernelFn {
  const { arch, depth, bias, form } = spec;
  if (!Number.isInteger(depth) || depth < 1) throw new CodedError('config/invalid', `analytic NTK depth must be an integer >= 1 (got ${depth})`);
  if (form !== 'derived' && form !== 'printed') throw new CodedError('config/invalid', `unknown analytic NTK form ${String(form)}`);
  if (arch === 'fcn') return fcnNtkFn(depth, bias, form);
  if (arch === 'resnet') {
    const alpha = spec.alpha ?? 1 / depth;
    if (!Number.isFinite(alpha) || alpha < 0) throw new CodedError('config/invalid', `ResNet alpha must be finite and >= 0 (got ${alpha})`);
    return resnetNtkFn(depth, alpha, bias, form);
  }
  throw new CodedError('config/invalid', `unknown architecture ${String(arch)} for the analytic NTK`);
}

/**
 * K(x1_i, x2_j): float64, row-major [n1, n2]. x1 is n1 x d row-major; x2 is n2 x d (n2 defaults to x2.length / d).
 * Without x2 the result is K(x1, x1), computed on the upper triangle and mirrored, so it is exactly symmetric.
 * Cost: one Gram, n1 n2 d multiply-adds (half that when symmetric; far fewer for sparse inputs), plus
 * n1 n2 (half when symmetric) entries of O(depth) with one arccos per layer; memory: the output plus O((n1 + n2) d).
 * Entries equal analyticNtkPair on the same rows bit for bit: every dot product is summed in index order.
 */
export function analyticNtk(spec: AnalyticSpec, x1: Float64Array, n1: number, d: number, x2?: Float64Array, n2?: number, options: AnalyticOptions = {}): Float64Array {
  const kernelFn = analyticPairKernelFn(spec);
  checkRows('x1', x1, n1, d);
  const symmetric = x2 === undefined;
  const rhs = x2 ?? x1;
  const m = symmetric ? n1 : (n2 ?? rhs.length / d);
  checkRows('x2', rhs, m, d);
  const out = new Float64Array(n1 * m);
  if (n1 === 0 || m === 0) return out;
  const sq1 = rowSquaredNorms(x1, n1, d);
  const sq2 = symmetric ? sq1 : rowSquaredNorms(rhs, m, d);
  if (options.gram) {
    if (options.gram.length !== n1 * m) throw new CodedError('data/shape-mismatch', `the given Gram has ${options.gram.length} entries, not ${n1} x ${m}`);
    out.set(options.gram);
    // The norms must be the Gram's own diagonal: arccos is ill-conditioned at rho = 1, and a last-bit mismatch
    // between two summation orders would move K(x, x) by ~1e-8.
    if (symmetric) for (let i = 0; i < n1; i++) sq1[i] = options.gram[i * n1 + i];
  } else fillGram(x1, n1, rhs, m, d, symmetric, out);
  for (let i = 0; i < n1; i++) {
    const row = i * m;
    const s1 = sq1[i];
    for (let j = symmetric ? i : 0; j < m; j++) out[row + j] = kernelFn(out[row + j], s1, sq2[j]);
  }
  if (symmetric) {
    for (let i = 1; i < n1; i++) for (let j = 0; j < i; j++) out[i * m + j] = out[j * m + i];
  }
  return out;
}

export interface AnalyticOptions {
  /**
   * The float64 input Gram <x1_i, x2_j> [n1, n2], when the host computes it faster (node/ passes one from
   * onnxruntime's float64 Gemm for large dense inputs); otherwise it is computed here in plain TypeScript.
   */
  readonly gram?: Float64Array;
}

/** The kernel on a single pair (two length-d vectors), for sweeps; O(d + depth). */
export function analyticNtkPair(spec: AnalyticSpec, a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new CodedError('data/shape-mismatch', `pair of inputs of lengths ${a.length} and ${b.length}`);
  return analyticPairKernelFn(spec)(dot(a, 0, b, 0, a.length), dot(a, 0, a, 0, a.length), dot(b, 0, b, 0, b.length));
}

function checkRows(name: string, x: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1 || x.length !== n * d) {
    throw new CodedError('data/shape-mismatch', `${name} has ${x.length} values, not ${n} rows of ${d}`);
  }
}

function dot(a: Float64Array, offsetA: number, b: Float64Array, offsetB: number, d: number): number {
  let sum = 0;
  for (let k = 0; k < d; k++) sum += a[offsetA + k] * b[offsetB + k];
  return sum;
}

function rowSquaredNorms(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot(x, i * d, x, i * d, d);
  return out;
}

// A sparse multiply-add (gather, scale, scatter) costs about this many dense blocked ones: 3.6 ns against 0.83 ns,
// measured on MNIST rows; so the sparse path wins below about 48% nonzeros.
const SPARSE_OP_COST = 4.4;

/** Writes <x1_i, x2_j> into out[i * n2 + j]; when symmetric (x2 === x1) only j >= i is guaranteed. */
function fillGram(x1: Float64Array, n1: number, x2: Float64Array, n2: number, d: number, symmetric: boolean, out: Float64Array): void {
  const count1 = columnNonZeros(x1, n1, d);
  const count2 = symmetric ? count1 : columnNonZeros(x2, n2, d);
  let sparseWork = 0;
  for (let k = 0; k < d; k++) sparseWork += symmetric ? (count1[k] * (count1[k] + 1)) / 2 : count1[k] * count2[k];
  const denseWork = (symmetric ? (n1 * (n1 + 1)) / 2 : n1 * n2) * d;
  if (sparseWork * SPARSE_OP_COST < denseWork) sparseGram(x1, n1, x2, n2, d, count2, symmetric, out);
  else denseGram(x1, n1, x2, n2, d, symmetric, out);
}

function columnNonZeros(x: Float64Array, n: number, d: number): Int32Array {
  const count = new Int32Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let k = 0; k < d; k++) if (x[row + k] !== 0) count[k]++;
  }
  return count;
}

function rowViews(x: Float64Array, n: number, d: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(x.subarray(i * d, (i + 1) * d));
  return rows;
}

/**
 * 3 x 3 register blocks: nine running sums per pass over k load six values instead of eighteen. Loads are what bound
 * scalar JS here (V8 re-checks the map and bounds of a typed array on every load, even when loop-invariant), so this
 * runs ~2.9x faster than one dot at a time, ~0.85 ns per multiply-add; 4 x 4 and packed panels measured no better.
 * Each sum still runs over k in order, as dot() does. Edge blocks repeat the last row, computing identical values
 * into identical slots.
 */
function denseGram(x1: Float64Array, n1: number, x2: Float64Array, n2: number, d: number, symmetric: boolean, out: Float64Array): void {
  const rows1 = rowViews(x1, n1, d);
  const rows2 = symmetric ? rows1 : rowViews(x2, n2, d);
  for (let i0 = 0; i0 < n1; i0 += 3) {
    const i1 = Math.min(i0 + 1, n1 - 1);
    const i2 = Math.min(i0 + 2, n1 - 1);
    const a0 = rows1[i0];
    const a1 = rows1[i1];
    const a2 = rows1[i2];
    const o0 = i0 * n2;
    const o1 = i1 * n2;
    const o2 = i2 * n2;
    for (let j0 = symmetric ? i0 : 0; j0 < n2; j0 += 3) {
      const j1 = Math.min(j0 + 1, n2 - 1);
      const j2 = Math.min(j0 + 2, n2 - 1);
      const b0 = rows2[j0];
      const b1 = rows2[j1];
      const b2 = rows2[j2];
      let c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0, c20 = 0, c21 = 0, c22 = 0;
      for (let k = 0; k < d; k++) {
        const v0 = b0[k];
        const v1 = b1[k];
        const v2 = b2[k];
        let u = a0[k];
        c00 += u * v0;
        c01 += u * v1;
        c02 += u * v2;
        u = a1[k];
        c10 += u * v0;
        c11 += u * v1;
        c12 += u * v2;
        u = a2[k];
        c20 += u * v0;
        c21 += u * v1;
        c22 += u * v2;
      }
      out[o0 + j0] = c00;
      out[o0 + j1] = c01;
      out[o0 + j2] = c02;
      out[o1 + j0] = c10;
      out[o1 + j1] = c11;
      out[o1 + j2] = c12;
      out[o2 + j0] = c20;
      out[o2 + j1] = c21;
      out[o2 + j2] = c22;
    }
  }
}

/**
 * x2 in compressed columns; each nonzero x1[i, k] is scattered against column k of x2 into row i of out (which starts
 * at zero). Rows of x1 go two at a time so that a column both rows use is read once. Each entry still sums over k in
 * order, skipping only exact-zero products, so it equals dot() bit for bit. When symmetric, col[k] walks down column k
 * with i, so rows j < i are skipped (the pair's second row also picks up its own lower-triangle entry, which is discarded).
 */
function sparseGram(
  x1: Float64Array, n1: number, x2: Float64Array, n2: number, d: number, count2: Int32Array, symmetric: boolean, out: Float64Array,
): void {
  const colStart = new Int32Array(d + 1);
  for (let k = 0; k < d; k++) colStart[k + 1] = colStart[k] + count2[k];
  const colRow = new Int32Array(colStart[d]);
  const colValue = new Float64Array(colStart[d]);
  const col = colStart.slice(0, d);
  for (let j = 0; j < n2; j++) {
    const row = j * d;
    for (let k = 0; k < d; k++) {
      const v = x2[row + k];
      if (v !== 0) {
        colRow[col[k]] = j;
        colValue[col[k]] = v;
        col[k]++;
      }
    }
  }
  col.set(colStart.subarray(0, d));
  for (let i = 0; i < n1; i += 2) {
    const pair = i + 1 < n1;
    const acc0 = out.subarray(i * n2, (i + 1) * n2);
    const acc1 = pair ? out.subarray((i + 1) * n2, (i + 2) * n2) : acc0;
    const row0 = i * d;
    const row1 = row0 + d;
    for (let k = 0; k < d; k++) {
      const v0 = x1[row0 + k];
      const v1 = pair ? x1[row1 + k] : 0;
      if (v0 === 0 && v1 === 0) continue;
      const end = colStart[k + 1];
      let q = symmetric ? col[k] : colStart[k];
      if (v0 !== 0 && v1 !== 0) {
        for (; q < end; q++) {
          const j = colRow[q];
          const w = colValue[q];
          acc0[j] += v0 * w;
          acc1[j] += v1 * w;
        }
      } else if (v0 !== 0) {
        for (; q < end; q++) acc0[colRow[q]] += v0 * colValue[q];
      } else {
        for (; q < end; q++) acc1[colRow[q]] += v1 * colValue[q];
      }
      if (symmetric) col[k] += (v0 !== 0 ? 1 : 0) + (v1 !== 0 ? 1 : 0);
    }
  }
}
