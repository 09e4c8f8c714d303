// Structured (layer-wise) empirical NTK of the paper's FCN and ResNet: per dense layer the gradient factorises,
// <dW f(x), dW f(x')> = wm^2 (delta(x).delta(x')) (a(x).a(x')), so the n x P Jacobian is never built
// (Novak et al. 2022, "Fast finite width NTK", structured derivatives). Products go through a MatmulEngine;
// layer terms are summed in float64. The per-sample work (forward pass, cotangents) is split from the pairwise
// Grams so a blocked kernel (blocked-ntk.ts) computes it once per block of samples.
import { type Architecture, type DenseLayer, fcnLayers, forwardMults, resnetLayers } from '../models/architecture';
import { findParam, type ParamSet } from '../models/params';
import { type MatmulEngine, type MatrixF32, matrix } from '../linalg/gram-engine';
import type { KernelMode } from './kernel-types';

function weightMatrix(params: ParamSet, layer: DenseLayer): MatrixF32 {
  return matrix(layer.outDim, layer.inDim, findParam(params, layer.weight).values);
}

/** z = wm * (h W^T) + bm * b, in place on the engine's output. */
async function denseForward(engine: MatmulEngine, a: Architecture, params: ParamSet, layer: DenseLayer, h: MatrixF32): Promise<MatrixF32> {
  const { weight: wm, bias: bm } = forwardMults(a, layer);
  const z = await engine.matmul(h, weightMatrix(params, layer), true);
  const b = layer.bias ? findParam(params, layer.bias).values : undefined;
  const data = z.data;
  for (let r = 0; r < z.rows; r++) {
    const row = r * z.cols;
    for (let c = 0; c < z.cols; c++) data[row + c] = wm * data[row + c] + (b ? bm * b[c] : 0);
  }
  return z;
}

function reluInPlace(z: MatrixF32): MatrixF32 {
  const d = z.data;
  for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
  return z;
}

function toF32(x: Float64Array, n: number, d: number): MatrixF32 {
  return matrix(n, d, Float32Array.from(x));
}

/** Delta rows (i*k + c) x width: per-output seed rows [k, width], the same for every sample, masked by each sample's ReLU. */
function maskSeedRows(seed: MatrixF32, activations: MatrixF32, k: number): MatrixF32 {
  const n = activations.rows;
  const m = activations.cols;
  const out = new Float32Array(n * k * m);
  for (let i = 0; i < n; i++) {
    const act = i * m;
    for (let c = 0; c < k; c++) {
      const src = c * m;
      const dst = (i * k + c) * m;
      for (let j = 0; j < m; j++) if (activations.data[act + j] > 0) out[dst + j] = seed.data[src + j];
    }
  }
  return matrix(n * k, m, out);
}

/**
 * Masks per-sample delta rows (i*k + c) by each sample's ReLU, in place: the rows are a fresh engine output, and
 * writing a new 10 MB array per layer costs more in page faults than the masking itself.
 */
function maskRowsInPlace(rows: MatrixF32, activations: MatrixF32, k: number): MatrixF32 {
  const m = activations.cols;
  const data = rows.data;
  for (let i = 0; i < activations.rows; i++) {
    const act = i * m;
    for (let c = 0; c < k; c++) {
      const dst = (i * k + c) * m;
      for (let j = 0; j < m; j++) if (!(activations.data[act + j] > 0)) data[dst + j] = 0;
    }
  }
  return rows;
}

/** Scales the engine's output in place and returns it. */
function scale(mat: MatrixF32, factor: number): MatrixF32 {
  if (factor !== 1) for (let i = 0; i < mat.data.length; i++) mat.data[i] *= factor;
  return mat;
}

/** A block of a row-major matrix with `stride` columns whose top-left entry is (row0, col0). */
interface Block<T extends ArrayLike<number>> {
  readonly data: T;
  readonly stride: number;
  readonly row0: number;
  readonly col0: number;
}

const whole = <T extends ArrayLike<number>>(data: T, stride: number): Block<T> => ({ data, stride, row0: 0, col0: 0 });

/**
 * A layer's cotangent factors: its term's Gram is left1 right2^T, with k rows a sample for the full kernel (D [n k, m]
 * itself: D1 D2^T [n1 k, n2 k]) and one for the trace (its k diagonal blocks summed, [n1, n2]).
 */
interface CotangentSides {
  readonly left: MatrixF32;
  readonly right: MatrixF32;
}

/**
 * The sides of cotangents D [n k, m] (rows i k + c). For the trace, sum_c <d_c(x), d_c(x')> is one product: a
 * sample's k rows are contiguous, so D read as [n, k m] has its k cotangents side by side (one GEMM instead of k).
 */
function cotangentSides(mode: KernelMode, k: number, d: MatrixF32): CotangentSides {
  const rows = mode === 'full' ? d : matrix(d.rows / k, k * d.cols, d.data);
  return { left: rows, right: rows };
}

/**
 * The class trace of the top hidden layer, whose cotangents are the readout's rows masked by each sample's ReLU:
 * sum_c <m(x) w_c, m(x') w_c> = sum_u m_u(x) m_u(x') s_u with s_u = sum_c w_cu^2, so left = m(x) s [n, m] and
 * right = m(x') [n, m] (0/1): k times fewer flops than the [n, k m] Gram (1.34 -> 0.13 GFLOP for n = 256, m = 1024).
 */
function topTraceSides(f: FcnFeatures): CotangentSides {
  const h = f.readoutInput;
  const s = f.seedSquares;
  const m = h.cols;
  const scaled = new Float32Array(h.data.length);
  const mask = new Float32Array(h.data.length);
  for (let i = 0; i < h.rows; i++) maskRow(h.data, i * m, s, scaled, mask, m);
  return { left: matrix(h.rows, m, scaled), right: matrix(h.rows, m, mask) };
}

/** One sample's mask and scaled mask: 1 and s_u where its activation is positive (a loop of its own). */
function maskRow(h: Float32Array, at: number, s: Float32Array, scaled: Float32Array, mask: Float32Array, m: number): void {
  for (let u = 0; u < m; u++)
    if (h[at + u] > 0) {
      scaled[at + u] = s[u];
      mask[at + u] = 1;
    }
}

/** w2 aGram + b2, aGram read at its block's offset (a block of a larger input Gram). */
interface InputTerm {
  readonly aGram: Block<ArrayLike<number>>;
  readonly w2: number;
  readonly b2: number;
}

const inputTerm = (aGram: Block<ArrayLike<number>>, mults: { weight: number; bias: number }, hasBias: boolean): InputTerm => ({
  aGram,
  w2: mults.weight * mults.weight,
  b2: hasBias ? mults.bias * mults.bias : 0,
});

const atBlock = (t: InputTerm, row0: number, col0: number): InputTerm => ({ ...t, aGram: { ...t.aGram, row0, col0 } });

/**
 * kernel += (w2 aGram + b2) (.) dGram over n1 x n2 samples: full, entry (i k + c, j k + e) takes dGram's; trace, entry
 * (i, j). dGram is dense [n1 k, n2 k] or [n1, n2]. With `readout` (the readout's term, [c == e] v, k v for the trace)
 * the pass adds it too, into a kernel still zero there: 0 + (v + t) is the 0 + v + t of two passes, bit for bit, and
 * the 52 MB kernel of the bench case is walked once instead of twice.
 */
function accumulateTerm(out: Block<Float64Array>, mode: KernelMode, k: number, term: InputTerm, dGram: ArrayLike<number>, n1: number, n2: number, readout?: InputTerm): void {
  const { data: kernel, stride } = out;
  const { aGram, w2, b2 } = term;
  const a = aGram.data;
  const r = readout?.aGram.data;
  if (mode === 'full') {
    const cols = n2 * k;
    for (let i = 0; i < n1; i++) {
      const aRow = (aGram.row0 + i) * aGram.stride + aGram.col0;
      const rRow = readout ? (readout.aGram.row0 + i) * readout.aGram.stride + readout.aGram.col0 : 0;
      for (let c = 0; c < k; c++) {
        const row = (i * k + c) * cols;
        const at = (out.row0 + i * k + c) * stride + out.col0;
        for (let j = 0; j < n2; j++) {
          const factor = w2 * a[aRow + j] + b2;
          for (let e = 0; e < k; e++) kernel[at + j * k + e] += factor * dGram[row + j * k + e];
          if (readout && r) kernel[at + j * k + c] = readout.w2 * r[rRow + j] + readout.b2 + factor * dGram[row + j * k + c];
        }
      }
    }
    return;
  }
  for (let i = 0; i < n1; i++) {
    const aRow = (aGram.row0 + i) * aGram.stride + aGram.col0;
    const at = (out.row0 + i) * stride + out.col0;
    if (readout && r) {
      const rRow = (readout.aGram.row0 + i) * readout.aGram.stride + readout.aGram.col0;
      for (let j = 0; j < n2; j++) kernel[at + j] = k * (readout.w2 * r[rRow + j] + readout.b2) + (w2 * a[aRow + j] + b2) * dGram[i * n2 + j];
    } else {
      for (let j = 0; j < n2; j++) kernel[at + j] += (w2 * a[aRow + j] + b2) * dGram[i * n2 + j];
    }
  }
}

/**
 * Adds one dense layer's term to the kernel: wm^2 (D1 D2^T) (.) (A1 A2^T) + bm^2 (D1 D2^T).
 * full: kernel [n1 k, n2 k]; trace: [n1, n2], summed over classes. Shared with the layer-wise graph kernel.
 */
export async function addLayerTerm(
  engine: MatmulEngine,
  kernel: Float64Array,
  mode: KernelMode,
  k: number,
  mults: { weight: number; bias: number },
  hasBias: boolean,
  d1: MatrixF32,
  d2: MatrixF32,
  a1: MatrixF32,
  a2: MatrixF32,
): Promise<void> {
  await addCrossLayerTerm(engine, kernel, mode, k, inputTerm(whole(await engine.crossGram(a1, a2), a2.rows), mults, hasBias), cotangentSides(mode, k, d1), cotangentSides(mode, k, d2), a1.rows, a2.rows);
}

/** addLayerTerm for n1 x n2 samples with the input Gram's term given, and the readout's folded into the same pass when given. */
async function addCrossLayerTerm(engine: MatmulEngine, kernel: Float64Array, mode: KernelMode, k: number, term: InputTerm, d1: CotangentSides, d2: CotangentSides, n1: number, n2: number, readout?: InputTerm): Promise<void> {
  const dGram = await engine.crossGram(d1.left, d2.right);
  accumulateTerm(whole(kernel, mode === 'full' ? n2 * k : n2), mode, k, term, dGram, n1, n2, readout);
}

/** Readout term: [c == e] (wm^2 A1 A2^T + bm^2), bm = 0 without a readout bias (d f_c / d bout_e = bm [c == e]). */
async function addReadoutTerm(engine: MatmulEngine, kernel: Float64Array, mode: KernelMode, k: number, mults: { weight: number; bias: number }, hasBias: boolean, a1: MatrixF32, a2: MatrixF32): Promise<void> {
  const aGram = await engine.crossGram(a1, a2);
  const n1 = a1.rows;
  const n2 = a2.rows;
  const w2 = mults.weight * mults.weight;
  const b2 = hasBias ? mults.bias * mults.bias : 0;
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      const v = w2 * aGram[i * n2 + j] + b2;
      if (mode === 'trace') kernel[i * n2 + j] += k * v;
      else for (let c = 0; c < k; c++) kernel[(i * k + c) * (n2 * k) + j * k + c] += v;
    }
  }
}

/**
 * Per-sample work of the FCN kernel for one set of samples, computed once and reused against any other set (the
 * blocked kernel pairs a row block's features with every column block's): each dense hidden layer's input [n, inDim]
 * and its ReLU-masked cotangents [n k, outDim] (row i k + c), and the readout's input [n, width]. Float32.
 */
export interface FcnFeatures {
  readonly arch: 'fcn';
  readonly n: number;
  readonly inputs: readonly MatrixF32[];
  readonly deltas: readonly MatrixF32[];
  readonly readoutInput: MatrixF32;
  /** sum_c of the squared readout seed rows, per unit of the top hidden layer (the class trace's top term). */
  readonly seedSquares: Float32Array;
}

/** Float32 values held by FcnFeatures per sample: what a blocked kernel budgets for each cached sample. */
export function fcnFeatureFloatsPerSample(a: Architecture & { arch: 'fcn' }): number {
  const hidden = fcnLayers(a).slice(0, -1);
  return hidden.reduce((s, l) => s + l.inDim + a.outputs * l.outDim, 0) + hidden[hidden.length - 1].outDim;
}

async function fcnFeatures(engine: MatmulEngine, a: Architecture & { arch: 'fcn' }, params: ParamSet, x: MatrixF32): Promise<FcnFeatures> {
  const k = a.outputs;
  const layers = fcnLayers(a);
  const inputs: MatrixF32[] = [];
  let h = x;
  for (let l = 0; l < layers.length - 1; l++) {
    inputs.push(h);
    h = reluInPlace(await denseForward(engine, a, params, layers[l], h));
  }
  const readout = layers[layers.length - 1];
  // d f_c / d h_L = wm_out Wout[c, :]: the same seed row for every sample, masked by each sample's ReLU.
  const seed = scale(matrix(k, readout.inDim, Float32Array.from(findParam(params, readout.weight).values)), forwardMults(a, readout).weight);
  const top = layers.length - 2;
  const deltas: MatrixF32[] = new Array(top + 1);
  deltas[top] = maskSeedRows(seed, h, k);
  for (let l = top; l > 0; l--) {
    const w = weightMatrix(params, layers[l]);
    // The input of layer l is the ReLU output of layer l - 1: its mask.
    deltas[l - 1] = maskRowsInPlace(scale(await engine.matmul(deltas[l], w, false), forwardMults(a, layers[l]).weight), inputs[l], k);
  }
  const seedSquares = new Float32Array(readout.inDim);
  for (let u = 0; u < readout.inDim; u++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += seed.data[c * readout.inDim + u] ** 2;
    seedSquares[u] = sum;
  }
  return { arch: 'fcn', n: x.rows, inputs, deltas, readoutInput: h, seedSquares };
}

/** Rows [start, end) of a row-major matrix, without a copy. */
function rowSlice(x: MatrixF32, start: number, end: number): MatrixF32 {
  return matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols));
}

/** Kernel rows per sample block of a self kernel: below twice this the cotangent Gram is one product. */
const SELF_BLOCK_ROWS = 256;
/** At most this many row blocks: 8 leave 36/64 of the whole product's flops. */
const SELF_BLOCKS_MAX = 8;

/**
 * Sample ranges splitting n samples into at most SELF_BLOCKS_MAX blocks of at least SELF_BLOCK_ROWS kernel rows (k
 * rows per sample for the full kernel, 1 for the trace). A self kernel's cotangent Grams cover each block's rows from
 * its own diagonal block to the last column: b blocks cut their flops to (b + 1) / 2b, 8 to 56%, 4 to 62.5%.
 */
function selfBlocks(n: number, rowsPerSample: number): [number, number][] {
  const count = Math.max(1, Math.min(SELF_BLOCKS_MAX, n, Math.floor((n * rowsPerSample) / SELF_BLOCK_ROWS)));
  return Array.from({ length: count }, (_, b) => [Math.floor((b * n) / count), Math.floor(((b + 1) * n) / count)]);
}

/**
 * Adds a dense layer's term (and the readout's, when given) to a self kernel [n r, n r] (r = k rows per sample for
 * full, 1 for trace): the input Gram whole (n x n, cheap), the cotangent Gram (the dominant cost) for the upper block
 * triangle only, one product per row block against every column from its diagonal block on (wider products than one
 * per block pair, which onnxruntime runs as fast or faster). The lower blocks are left for mirrorBlocks.
 */
async function addSelfLayerTerm(engine: MatmulEngine, kernel: Float64Array, mode: KernelMode, k: number, term: InputTerm, d: CotangentSides, blocks: readonly [number, number][], readout?: InputTerm): Promise<void> {
  const r = mode === 'full' ? k : 1;
  const n = d.left.rows / r;
  for (const [r0, r1] of blocks) {
    const dGram = await engine.crossGram(rowSlice(d.left, r0 * r, r1 * r), rowSlice(d.right, r0 * r, n * r));
    const out = { data: kernel, stride: n * r, row0: r0 * r, col0: r0 * r };
    accumulateTerm(out, mode, k, atBlock(term, r0, r0), dGram, r1 - r0, n - r0, readout && atBlock(readout, r0, r0));
  }
}

/**
 * Copies each block (i, j), i < j, of the square kernel [side, side] to (j, i) transposed, in 8 x 8 tiles written
 * row by row (strided reads, contiguous writes: 4x faster than the other way round on the 2560-row kernel).
 */
function mirrorBlocks(kernel: Float64Array, side: number, ranges: readonly [number, number][]): void {
  const tile = 8;
  for (let bi = 0; bi < ranges.length; bi++) {
    for (let bj = bi + 1; bj < ranges.length; bj++) {
      const [r0, r1] = ranges[bi];
      const [c0, c1] = ranges[bj];
      for (let rt = r0; rt < r1; rt += tile) {
        for (let ct = c0; ct < c1; ct += tile) {
          const rEnd = Math.min(rt + tile, r1);
          const cEnd = Math.min(ct + tile, c1);
          for (let col = ct; col < cEnd; col++) for (let row = rt; row < rEnd; row++) kernel[col * side + row] = kernel[row * side + col];
        }
      }
    }
  }
}

/**
 * K(f1, f2) from two feature sets (f2 default f1): the readout term, then each dense layer from the top down, summed
 * in float64 in that order (an FCN here has a hidden layer, as fcnFeatures assumes). Without f2 (a self kernel) the
 * cotangent Grams cover the upper block triangle and the lower one is mirrored: an entry's products and their order
 * are those of the whole product, so with an engine whose entries do not depend on the block they are computed in, the
 * result equals the unsplit kernel (and a blocked kernel's, blocked-ntk.ts) bit for bit.
 */
async function fcnCross(engine: MatmulEngine, a: Architecture & { arch: 'fcn' }, f1: FcnFeatures, f2: FcnFeatures | undefined, mode: KernelMode): Promise<Float64Array> {
  const k = a.outputs;
  const layers = fcnLayers(a);
  const other = f2 ?? f1;
  const kernel = new Float64Array(mode === 'full' ? f1.n * k * other.n * k : f1.n * other.n);
  const readout = layers[layers.length - 1];
  const top = layers.length - 2;
  const readoutTerm = inputTerm(whole(await engine.crossGram(f1.readoutInput, other.readoutInput), other.n), forwardMults(a, readout), readout.bias !== undefined);
  const r = mode === 'full' ? k : 1;
  const blocks = f2 ? [] : selfBlocks(f1.n, r);
  for (let l = top; l >= 0; l--) {
    const layer = layers[l];
    const term = inputTerm(whole(await engine.crossGram(f1.inputs[l], other.inputs[l]), other.n), forwardMults(a, layer), layer.bias !== undefined);
    // The readout's term rides on the top layer's pass (the first to write the kernel).
    const withReadout = l === top ? readoutTerm : undefined;
    const sides = (f: FcnFeatures) => (l === top && mode === 'trace' ? topTraceSides(f) : cotangentSides(mode, k, f.deltas[l]));
    const d1 = sides(f1);
    if (blocks.length > 1) await addSelfLayerTerm(engine, kernel, mode, k, term, d1, blocks, withReadout);
    else await addCrossLayerTerm(engine, kernel, mode, k, term, d1, f2 ? sides(other) : d1, f1.n, other.n, withReadout);
  }
  if (blocks.length > 1) mirrorBlocks(kernel, f1.n * r, blocks.map(([start, end]) => [start * r, end * r]));
  return kernel;
}

interface ResnetSide {
  streams: MatrixF32[];
  inner: MatrixF32[];
  x: MatrixF32;
}

async function resnetForward(engine: MatmulEngine, a: Architecture & { arch: 'resnet' }, params: ParamSet, x: MatrixF32): Promise<ResnetSide> {
  const { input, blocks } = resnetLayers(a);
  const streams = [await denseForward(engine, a, params, input, x)];
  const inner: MatrixF32[] = [];
  for (const block of blocks) {
    const prev = streams[streams.length - 1];
    const h = reluInPlace(await denseForward(engine, a, params, block.inner, prev));
    const branch = await denseForward(engine, a, params, block.outer, h);
    const next = new Float32Array(prev.data.length);
    for (let i = 0; i < next.length; i++) next[i] = prev.data[i] + branch.data[i];
    inner.push(h);
    streams.push(matrix(prev.rows, prev.cols, next));
  }
  return { streams, inner, x };
}

/** Expands per-output seed rows [k, m] to [n k, m] (same for every sample). */
function broadcastSeed(seed: MatrixF32, n: number): MatrixF32 {
  const out = new Float32Array(n * seed.data.length);
  for (let i = 0; i < n; i++) out.set(seed.data, i * seed.data.length);
  return matrix(n * seed.rows, seed.cols, out);
}

async function resnetKernel(engine: MatmulEngine, a: Architecture & { arch: 'resnet' }, params: ParamSet, x1: MatrixF32, x2: MatrixF32 | undefined, mode: KernelMode): Promise<Float64Array> {
  const k = a.outputs;
  const { input, blocks, readout } = resnetLayers(a);
  const sides = [await resnetForward(engine, a, params, x1)];
  if (x2) sides.push(await resnetForward(engine, a, params, x2));
  const other = sides[sides.length - 1];
  const n1 = x1.rows;
  const n2 = other.x.rows;
  const kernel = new Float64Array(mode === 'full' ? n1 * k * n2 * k : n1 * n2);
  const outMult = forwardMults(a, readout).weight;
  await addReadoutTerm(engine, kernel, mode, k, forwardMults(a, readout), false, sides[0].streams[blocks.length], other.streams[blocks.length]);
  const seed = scale(matrix(k, readout.inDim, Float32Array.from(findParam(params, readout.weight).values)), outMult);
  // g = d f / d stream, rows (i*k + c): starts equal for every sample.
  let g = sides.map((s) => broadcastSeed(seed, s.x.rows));
  for (let l = blocks.length - 1; l >= 0; l--) {
    const { inner, outer } = blocks[l];
    const gEnd = g[g.length - 1];
    await addLayerTerm(engine, kernel, mode, k, forwardMults(a, outer), true, g[0], gEnd, sides[0].inner[l], other.inner[l]);
    const outerMult = forwardMults(a, outer).weight;
    const innerMult = forwardMults(a, inner).weight;
    const dz: MatrixF32[] = [];
    for (let s = 0; s < sides.length; s++) {
      const dh = scale(await engine.matmul(g[s], weightMatrix(params, outer), false), outerMult);
      dz.push(maskRowsInPlace(dh, sides[s].inner[l], k));
    }
    await addLayerTerm(engine, kernel, mode, k, forwardMults(a, inner), true, dz[0], dz[dz.length - 1], sides[0].streams[l], other.streams[l]);
    const nextG: MatrixF32[] = [];
    for (let s = 0; s < sides.length; s++) {
      const back = await engine.matmul(dz[s], weightMatrix(params, inner), false);
      const sum = new Float32Array(back.data.length);
      for (let i = 0; i < sum.length; i++) sum[i] = g[s].data[i] + innerMult * back.data[i];
      nextG.push(matrix(back.rows, back.cols, sum));
    }
    g = nextG;
  }
  await addLayerTerm(engine, kernel, mode, k, forwardMults(a, input), true, g[0], g[g.length - 1], sides[0].x, other.x);
  return kernel;
}

/** What structuredFeatures keeps per sample set: the FCN's layer inputs and cotangents, or a ResNet's inputs alone. */
export type StructuredFeatures = FcnFeatures | { readonly arch: 'resnet'; readonly n: number; readonly x: MatrixF32 };

/**
 * Per-sample work of the structured kernel on x [n, d] (float64, row-major): for the FCN the forward pass and the
 * backpropagated cotangents of every layer, O(n k m_in m_out) per layer, O(n (d + k sum m)) float32 memory; a ResNet's
 * inputs only (its kernel recomputes its sides in structuredCross).
 */
export async function structuredFeatures(engine: MatmulEngine, a: Architecture, params: ParamSet, x: Float64Array, n: number): Promise<StructuredFeatures> {
  const m = toF32(x, n, a.inputDim);
  return a.arch === 'fcn' ? fcnFeatures(engine, a, params, m) : { arch: 'resnet', n, x: m };
}

/**
 * Empirical NTK of the paper's FCN/ResNet between two feature sets (f2 default f1), never forming the Jacobian.
 * full: [n1 k, n2 k] sample-major (row i*k + c); trace: [n1, n2], the sum of the k diagonal blocks. Float64 result;
 * float32 products inside the engine. Cost per dense layer of width m: O((n k)^2 m) for full, O(k n^2 m) for trace
 * (plus, for a ResNet, the forward and backward products of both sides).
 */
export async function structuredCross(engine: MatmulEngine, a: Architecture, params: ParamSet, f1: StructuredFeatures, f2: StructuredFeatures | undefined, mode: KernelMode): Promise<Float64Array> {
  if (a.arch === 'fcn') return fcnCross(engine, a, f1 as FcnFeatures, f2 as FcnFeatures | undefined, mode);
  const x2 = f2 as { x: MatrixF32 } | undefined;
  return resnetKernel(engine, a, params, (f1 as { x: MatrixF32 }).x, x2?.x, mode);
}
