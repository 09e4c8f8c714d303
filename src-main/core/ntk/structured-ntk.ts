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

/**
 * Adds one dense layer's term to the kernel: wm^2 (D1 D2^T) (.) (A1 A2^T) + bm^2 (D1 D2^T).
 * full: kernel [n1 k, n2 k]; trace: [n1, n2], summed over classes.
 */
async function addLayerTerm(
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
  const n1 = a1.rows;
  const n2 = a2.rows;
  const aGram = await engine.crossGram(a1, a2);
  const w2 = mults.weight * mults.weight;
  const b2 = hasBias ? mults.bias * mults.bias : 0;
  if (mode === 'full') {
    const dGram = await engine.crossGram(d1, d2);
    const cols = n2 * k;
    for (let i = 0; i < n1; i++) {
      for (let c = 0; c < k; c++) {
        const row = (i * k + c) * cols;
        for (let j = 0; j < n2; j++) {
          const factor = w2 * aGram[i * n2 + j] + b2;
          for (let e = 0; e < k; e++) kernel[row + j * k + e] += factor * dGram[row + j * k + e];
        }
      }
    }
    return;
  }
  // sum_c <d_c(x), d_c(x')> is one product: the rows i k + c of a sample are contiguous, so D [n k, m] read as
  // [n, k m] has each sample's k cotangents side by side. One GEMM instead of k, and no per-class copies.
  const dSum = await engine.crossGram(matrix(n1, k * d1.cols, d1.data), matrix(n2, k * d2.cols, d2.data));
  for (let q = 0; q < n1 * n2; q++) kernel[q] += (w2 * aGram[q] + b2) * dSum[q];
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
  return { arch: 'fcn', n: x.rows, inputs, deltas, readoutInput: h };
}

/** K(f1, f2) from two feature sets (f2 default f1): the readout term, then each dense layer from the top down. */
async function fcnCross(engine: MatmulEngine, a: Architecture & { arch: 'fcn' }, f1: FcnFeatures, f2: FcnFeatures | undefined, mode: KernelMode): Promise<Float64Array> {
  const k = a.outputs;
  const layers = fcnLayers(a);
  const other = f2 ?? f1;
  const kernel = new Float64Array(mode === 'full' ? f1.n * k * other.n * k : f1.n * other.n);
  const readout = layers[layers.length - 1];
  await addReadoutTerm(engine, kernel, mode, k, forwardMults(a, readout), readout.bias !== undefined, f1.readoutInput, other.readoutInput);
  for (let l = layers.length - 2; l >= 0; l--) {
    const layer = layers[l];
    await addLayerTerm(engine, kernel, mode, k, forwardMults(a, layer), layer.bias !== undefined, f1.deltas[l], other.deltas[l], f1.inputs[l], other.inputs[l]);
  }
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
