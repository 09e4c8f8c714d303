// Structured empirical NTK of graphs whose parameters all sit in linear slots (conv and dense weights, biases, affine
// scales), after Novak et al. 2022, "Fast Finite Width Neural Tangent Kernel" (structured derivatives). One backward
// pass over a block of rows (the graph's backward steps, cotangent-program.ts, with each conv as one transposed conv
// on the engine; else tfjs) gives every layer's output cotangent for all those rows at once (rows are independent
// along the batch, so per-row cotangents survive where per-row weight gradients would be summed). Each
// layer's term of Theta is then built from its input and those cotangents: dense layers as (G1 G2^T) . (A1 A2^T),
// never forming their Jacobian; conv layers, and dense layers applied at several positions (per token: x [n, T, d] W)
// as 1x1 convs over those positions, as J = G X^T from im2col patches, one GEMM per sample, contracted and dropped;
// biases and scales as cotangents summed over their broadcast axes. Products go through the MatmulEngine.
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../contract/result';
import { JACOBIAN_BLOCK_BYTES } from '../../contract/run-memory';
import { type MatmulEngine, matrix, type MatrixF32 } from '../linalg/gram-engine';
import { macrotaskYielder } from '../macrotask';
import type { DifferentiableModel } from '../models/differentiable-model';
import type { ParamSet } from '../models/params';
import type { TensorParams } from '../models/tf-forward';
import { broadcastIndex, alignedOperandShape } from './broadcast-index';
import { backpropagate, type BackStep, type Captured, type StepMemo } from './cotangent-program';
import { addPatchTerm, patchRouteWins, patchRowsOf, type PatchFactors } from './conv-patch-term';
import { type ConvWindow, im2colT } from './im2col';
import { classRows, type KernelMode } from './kernel-types';
import { addLayerTerm } from './structured-ntk';

/** A parameter in a linear slot. `tap` indexes the value the layer writes, `input` the captured value it reads. */
export type LinearLayer =
  /**
   * y = alpha x W (W as [out, in] or [in, out]) at every position: x [n, ...positions, in], y [n, ...positions, out]
   * (positions none for a plain dense layer; a MatMul over tokens has some).
   */
  | {
      readonly kind: 'dense';
      readonly weight: string;
      readonly tap: number;
      readonly input: number;
      readonly alpha: number;
      /**
       * Per-head weights W [heads, in, out]: x [heads, T, in] -> y [heads, T, out] per sample, head h's tokens through
       * W[h] (a MatMul broadcasting a rank-3 weight over the batch).
       */
      readonly heads?: number;
    }
  /** y = conv(x, W) with W [cout, cin / groups, kh, kw]; x [n, cin, h, w], y [n, cout, oh, ow]. */
  | { readonly kind: 'conv'; readonly weight: string; readonly tap: number; readonly input: number; readonly groups: number; window(spatial: readonly [number, number]): ConvWindow }
  /**
   * y = ... + u * broadcast(theta): a bias (u a constant) or a scale (u a captured value shaped like y, e.g. the
   * normalised input of a BatchNorm or LayerNorm, or min(x, 0) of a PRelu). d y / d theta sums over the broadcast
   * axes: numpy broadcasting (LayerNorm's trailing-dims scale, PRelu's [C, 1, 1] or [C] slope), or with perChannel a
   * [C] parameter along the channel axis (Conv bias, BatchNorm).
   */
  | { readonly kind: 'broadcast'; readonly param: string; readonly tap: number; readonly factor: number | { readonly capture: number }; readonly perChannel?: boolean };

/** A model whose forward can add tensors to chosen values (taps) and hand back chosen values (captures). */
export interface LayerwiseGraph {
  readonly layers: readonly LinearLayer[];
  /**
   * f(x) [n, k] with taps[t] added to tapped value t (zeros when omitted), the tapped values and the captured ones,
   * all batch first. Differentiable in the taps. The returned tapped and captured tensors are kept (caller disposes).
   */
  applyTapped(params: TensorParams, x: tf.Tensor, taps?: readonly tf.Tensor[]): { output: tf.Tensor2D; tapped: tf.Tensor[]; captured: tf.Tensor[] };
  /**
   * When every op of the graph has a backward step: the cotangents come from these steps (one forward per sample,
   * GEMMs on the engine) instead of a tfjs backward over tiled rows. Names: the graph's values; `captures` names
   * each captured tensor, `taps` each tapped one, `output` the value f(x) is read from.
   */
  readonly backward?: { readonly steps: readonly BackStep[]; readonly output: string; readonly captures: readonly string[]; readonly taps: readonly string[] };
}

export interface LayerwiseNtkOptions {
  /** Memory for one block of rows in the backward pass (default the generic Jacobian block, 512 MiB). */
  readonly blockBytes?: number;
  /** Checked between blocks (CodedError train/cancelled). */
  readonly signal?: AbortSignal;
}

/** One layer's factors for the rows of one input set. */
type Feature =
  | { readonly kind: 'dense'; readonly alpha: number; readonly g: MatrixF32; readonly a: MatrixF32 }
  /** The layer's Jacobian rows [n k, param size]. */
  | { readonly kind: 'rows'; readonly j: MatrixF32 }
  /** A conv bias whose rows are columns of its conv's (foldedBiases): no term of its own. */
  | { readonly kind: 'folded' }
  /** A conv layer whose term comes from its cotangents and patches (conv-patch-term.ts), where that is cheaper. */
  | PatchFactors;

interface Shapes {
  readonly tapped: number[][];
  readonly captured: number[][];
}

const sizeOf = (shape: readonly number[]) => shape.reduce((s, v) => s * v, 1);

function fail(message: string): never {
  throw new CodedError('config/invalid', `layer-wise eNTK: ${message}`);
}

/** A broadcast index as runs of equal entries: elements [start[q], start[q + 1]) all map to parameter target[q]. */
interface IndexRuns {
  readonly start: Int32Array;
  readonly target: Int32Array;
}

function indexRuns(index: Int32Array): IndexRuns {
  const start = [0];
  const target: number[] = [];
  for (let e = 0; e < index.length; e++)
    if (e === 0 || index[e] !== index[e - 1]) {
      if (e > 0) start.push(e);
      target.push(index[e]);
    }
  start.push(index.length);
  return { start: Int32Array.from(start), target: Int32Array.from(target) };
}

// A bias's or scale's Jacobian row: dst[at + index[e]] += g[base + e] (times scale, or u[e]), each run (a channel's
// plane) summed in a local first. Each variant is its own function: one hot loop each.

function addBroadcastRow(dst: Float32Array, at: number, g: Float32Array, base: number, runs: IndexRuns, scale: number): void {
  const { start, target } = runs;
  for (let q = 0; q < target.length; q++) {
    // Four partial sums: one chain of dependent adds runs at a quarter of the machine's add rate.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = base + start[q + 1];
    let e = base + start[q];
    for (; e + 3 < end; e += 4) {
      s0 += g[e];
      s1 += g[e + 1];
      s2 += g[e + 2];
      s3 += g[e + 3];
    }
    for (; e < end; e++) s0 += g[e];
    dst[at + target[q]] += scale * (s0 + s1 + (s2 + s3));
  }
}

function addScaledBroadcastRow(dst: Float32Array, at: number, g: Float32Array, base: number, runs: IndexRuns, u: Float32Array): void {
  const { start, target } = runs;
  for (let q = 0; q < target.length; q++) {
    let sum = 0;
    for (let e = start[q]; e < start[q + 1]; e++) sum += g[base + e] * u[e];
    dst[at + target[q]] += sum;
  }
}

/**
 * Conv biases that ride on their conv's Jacobian GEMM: a per-channel bias with a constant factor on the conv's own
 * output. `bias` maps the conv layer to the factor, `into` holds the bias layers so folded.
 */
function foldedBiases(layers: readonly LinearLayer[]): { bias: Map<number, number>; into: Set<number> } {
  const bias = new Map<number, number>();
  const into = new Set<number>();
  for (const [l, layer] of layers.entries()) {
    if (layer.kind !== 'conv') continue;
    const b = layers.findIndex((other, at) => other.kind === 'broadcast' && other.perChannel === true && typeof other.factor === 'number' && other.tap === layer.tap && !into.has(at));
    if (b < 0) continue;
    bias.set(l, (layers[b] as { factor: number }).factor);
    into.add(b);
  }
  return { bias, into };
}

/** Rows of a conv's patches (one group): cin kh kw, and one more for a folded bias. */
function patchDepth(layer: LinearLayer & { kind: 'conv' }, inShape: readonly number[], folded: boolean): number {
  return inShape[0] * sizeOf(layer.window([inShape[1], inShape[2]]).kernel) + (folded ? 1 : 0);
}

/** Checks every layer against the probe's shapes; every parameter must be in exactly one layer. */
function checkLayers(graph: LayerwiseGraph, model: DifferentiableModel, shapes: Shapes): void {
  const seen = new Map<string, number>();
  const count = (name: string) => seen.set(name, (seen.get(name) ?? 0) + 1);
  const spec = (name: string) => model.params.find((p) => p.name === name) ?? fail(`no parameter ${name}`);
  for (const layer of graph.layers) {
    const out = shapes.tapped[layer.tap];
    if (layer.kind === 'broadcast') {
      count(layer.param);
      alignedOperandShape(spec(layer.param).shape, out, layer.param, layer.perChannel);
      if (typeof layer.factor !== 'number' && sizeOf(shapes.captured[layer.factor.capture]) !== sizeOf(out)) fail(`the scale of ${layer.param} is not shaped like its output`);
      continue;
    }
    count(layer.weight);
    const w = spec(layer.weight).shape;
    const x = shapes.captured[layer.input];
    if (layer.kind === 'dense') {
      const samePositions = x.length >= 1 && out.length === x.length && x.slice(0, -1).every((d, i) => d === out[i]);
      const heads = layer.heads ?? 1;
      const headAxis = layer.heads === undefined || (x.length === 3 && x[0] === heads);
      if (!samePositions || !headAxis || sizeOf(w) !== heads * x[x.length - 1] * out[out.length - 1]) fail(`dense ${layer.weight} [${w.join(', ')}] on [${x.join(', ')}] -> [${out.join(', ')}]`);
      continue;
    }
    const win = layer.window([x[1], x[2]]);
    const ok = x.length === 3 && out.length === 3 && w.length === 4 && w[0] === out[0] && w[1] * layer.groups === x[0] && w[2] === win.kernel[0] && w[3] === win.kernel[1];
    if (!ok || win.output[0] !== out[1] || win.output[1] !== out[2]) fail(`conv ${layer.weight} [${w.join(', ')}] on [${x.join(', ')}] -> [${out.join(', ')}]`);
  }
  for (const p of model.params) if (seen.get(p.name) !== 1) fail(`parameter ${p.name} is used by ${seen.get(p.name) ?? 0} linear layers`);
}

function probeShapes(graph: LayerwiseGraph, params: TensorParams, model: DifferentiableModel, x: Float64Array): Shapes {
  const size = sizeOf(model.inputShape);
  const sample = tf.tensor(Float32Array.from(x.subarray(0, size)), [1, ...model.inputShape]);
  const { output, tapped, captured } = graph.applyTapped(params, sample);
  const shapes = { tapped: tapped.map((t) => t.shape.slice(1)), captured: captured.map((t) => t.shape.slice(1)) };
  tf.dispose([sample, output, ...tapped, ...captured]);
  return shapes;
}

/** Rows (i k + c) of x [n, ...inputShape] repeated per output, for rows [r0, r1). */
function tiledRows(x: Float64Array, size: number, k: number, r0: number, r1: number): Float32Array {
  const out = new Float32Array((r1 - r0) * size);
  for (let r = r0; r < r1; r++) {
    const i = Math.floor(r / k);
    for (let e = 0; e < size; e++) out[(r - r0) * size + e] = x[i * size + e];
  }
  return out;
}

/** How many positions a dense layer applies its weight at (the product of its input's leading per-sample dims). */
const densePositions = (inShape: readonly number[]) => sizeOf(inShape.slice(0, -1));

/** A 1x1 convolution's window over `spatial`. */
function pointwise(spatial: readonly [number, number]): ConvWindow {
  return { kernel: [1, 1], strides: [1, 1], dilations: [1, 1], begin: [0, 0], output: [spatial[0], spatial[1]] };
}

/**
 * factor src [rows, heads, tokens, c] rearranged per row into [rows, heads, c, tokens]: each head's channels first over
 * its tokens (heads = 1: [positions, c] -> [c, positions]).
 */
function headsFirst(src: Float32Array, rows: number, heads: number, tokens: number, c: number, factor: number): Float32Array {
  const out = new Float32Array(src.length);
  const plane = tokens * c;
  for (let r = 0; r < rows * heads; r++) {
    const at = r * plane;
    for (let t = 0; t < tokens; t++) for (let q = 0; q < c; q++) out[at + q * tokens + t] = factor * src[at + t * c + q];
  }
  return out;
}

/**
 * A dense layer's Jacobian rows over P positions, for block rows [r0, r1): J = alpha sum_p delta_p x_p^T, the weight
 * gradient of a 1x1 conv whose spatial positions are the P positions, so convRows computes it on the channels-first
 * views (x [P, in] -> [in, P, 1], cotangents [P, out] -> [out, P, 1]). With per-head weights it is a grouped 1x1
 * conv, a group per head over that head's positions. Columns come out in [heads, out, in] order whatever W's layout:
 * a Gram of Jacobian rows does not depend on the order of their columns.
 */
async function denseRows(engine: MatmulEngine, layer: LinearLayer & { kind: 'dense' }, j: Float32Array, g: Float32Array, input: (r: number) => Float32Array, inShape: number[], outShape: number[], k: number, r0: number, r1: number, memo: PatchMemo): Promise<void> {
  const positions = densePositions(inShape);
  const inDim = inShape[inShape.length - 1];
  const outDim = outShape[outShape.length - 1];
  const heads = layer.heads ?? 1;
  const tokens = positions / heads;
  const gT = headsFirst(g, r1 - r0, heads, tokens, outDim, layer.alpha);
  const xT = (r: number) => headsFirst(input(r), 1, heads, tokens, inDim, 1);
  await convRows(engine, { groups: heads, window: pointwise }, j, gT, xT, [heads * inDim, tokens, 1], [heads * outDim, tokens, 1], k, r0, r1, memo);
}

/**
 * The patches convRows made last, per group, and whose sample they are: a sample's k rows can end one block and start
 * the next, and its patches cost as much to make again (im2col, up to kh kw times the input).
 */
interface PatchMemo {
  sample: number;
  groups: MatrixF32[];
}

const patchMemo = (): PatchMemo => ({ sample: -1, groups: [] });

/** Entries of one sample's patches that a layer's PatchMemo holds (layers whose Jacobian rows convRows makes), else 0. */
function memoSize(layer: LinearLayer, captured: readonly number[][], tapped: readonly number[][], folded: boolean): number {
  if (layer.kind === 'broadcast') return 0;
  const inShape = captured[layer.input];
  if (layer.kind === 'dense') return sizeOf(inShape);
  const [, oh, ow] = tapped[layer.tap];
  return (patchDepth(layer, inShape, false) + (folded ? layer.groups : 0)) * oh * ow;
}

/**
 * Conv Jacobian rows for block rows [r0, r1): per sample and group, (G rows [m coutG, P]) x (patches [cg kh kw, P])^T.
 * With `biasFactor` the conv's per-channel bias rides along: the patches get one more row, every entry biasFactor,
 * and each output channel's column after its weights is d f / d b = biasFactor sum_p G[o, p] (its rows come out of
 * the same GEMM instead of a pass over the cotangents; a Gram of Jacobian rows does not depend on column order).
 */
async function convRows(engine: MatmulEngine, layer: Pick<LinearLayer & { kind: 'conv' }, 'groups' | 'window'>, j: Float32Array, g: Float32Array, input: (r: number) => Float32Array, inShape: number[], outShape: number[], k: number, r0: number, r1: number, memo: PatchMemo, biasFactor?: number): Promise<void> {
  const [cin, h, w] = inShape;
  const [cout, oh, ow] = outShape;
  const positions = oh * ow;
  const groups = layer.groups;
  const coutG = cout / groups;
  const cinG = cin / groups;
  const win = layer.window([h, w]);
  const pd = cinG * win.kernel[0] * win.kernel[1] + (biasFactor === undefined ? 0 : 1);
  const rowSize = cout * pd;
  for (let ra = r0; ra < r1; ) {
    const i = Math.floor(ra / k);
    const rb = Math.min(r1, (i + 1) * k);
    const m = rb - ra;
    if (memo.sample !== i) {
      const x = input(ra);
      memo.sample = i;
      memo.groups = Array.from({ length: groups }, (_, gi) => matrix(pd, positions, im2colT(x, h, w, gi * cinG, cinG, win, biasFactor)));
    }
    for (let gi = 0; gi < groups; gi++) {
      const patches = memo.groups[gi];
      let rows: Float32Array;
      if (groups === 1) rows = g.subarray((ra - r0) * cout * positions, (rb - r0) * cout * positions);
      else {
        rows = new Float32Array(m * coutG * positions);
        for (let r = 0; r < m; r++) rows.set(g.subarray(((ra - r0 + r) * cout + gi * coutG) * positions, ((ra - r0 + r) * cout + (gi + 1) * coutG) * positions), r * coutG * positions);
      }
      const prod = await engine.matmul(matrix(m * coutG, positions, rows), patches, true);
      // Row r's Jacobian is [cout, pd] with group gi's output channels at [gi coutG, (gi + 1) coutG).
      for (let r = 0; r < m; r++) j.set(prod.data.subarray(r * coutG * pd, (r + 1) * coutG * pd), (ra + r) * rowSize + gi * coutG * pd);
    }
    ra = rb;
  }
}

/** Cotangents of every tap for rows [r0, r1) by one tfjs backward over x tiled per output, and the captures. */
function tiledCotangents(graph: LayerwiseGraph, params: TensorParams, model: DifferentiableModel, shapes: Shapes, x: Float64Array, k: number, r0: number, r1: number): { g: Float32Array[]; c: Float32Array[] } {
  const m = r1 - r0;
  let captured: tf.Tensor[] = [];
  const xt = tf.tensor(tiledRows(x, sizeOf(model.inputShape), k, r0, r1), [m, ...model.inputShape]);
  const hot = new Float32Array(m * k);
  for (let r = 0; r < m; r++) hot[r * k + ((r0 + r) % k)] = 1;
  const seed = tf.tensor2d(hot, [m, k]);
  const taps = shapes.tapped.map((s) => tf.zeros([m, ...s]));
  let grads: tf.Tensor[];
  try {
    grads = tf.grads((...ts: tf.Tensor[]) => {
      const run = graph.applyTapped(params, xt, ts);
      tf.dispose(run.tapped.filter((t) => !run.captured.includes(t)));
      captured = run.captured.map((t) => tf.keep(t));
      return tf.sum(tf.mul(run.output, seed)) as tf.Scalar;
    })(taps);
  } finally {
    tf.dispose([xt, seed, ...taps]);
  }
  const g = grads.map((t) => t.dataSync() as Float32Array);
  const c = captured.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...grads, ...captured]);
  return { g, c };
}

/** The captured values of x [n, ...inputShape] by name, from one forward pass without taps. */
function forwardValues(graph: LayerwiseGraph, params: TensorParams, model: DifferentiableModel, x: Float64Array, n: number, names: readonly string[]): { values: Map<string, Captured>; shapes: Shapes } {
  const xt = tf.tensor(Float32Array.from(x), [n, ...model.inputShape]);
  const { output, tapped, captured } = graph.applyTapped(params, xt);
  const values = new Map(captured.map((t, i) => [names[i], { shape: t.shape.slice(1), data: t.dataSync() as Float32Array }] as const));
  const shapes = { tapped: tapped.map((t) => t.shape.slice(1)), captured: captured.map((t) => t.shape.slice(1)) };
  tf.dispose([xt, output, ...tapped, ...captured]);
  return { values, shapes };
}

/** Every layer's factors for the rows of x [n, ...inputShape]. Cost: one backward over n k rows (see layerwiseNtk). */
async function features(engine: MatmulEngine, graph: LayerwiseGraph, model: DifferentiableModel, params: TensorParams, params0: ParamSet, shapes: Shapes, x: Float64Array, n: number, options: LayerwiseNtkOptions, forward?: Map<string, Captured>): Promise<Feature[]> {
  const k = model.outputs;
  const rowsTotal = n * k;
  const size = sizeOf(model.inputShape);
  const tapSizes = shapes.tapped.map(sizeOf);
  const captureSizes = shapes.captured.map(sizeOf);
  // tfjs: the tape keeps every activation and, for each conv, its patches (about kernel-area times its input). The
  // backward steps hold a cotangent per value and one conv's patch cotangents at a time.
  const perRow = graph.backward
    ? 4 * (2 * captureSizes.reduce((s, v) => s + v, 0) + 10 * Math.max(...captureSizes))
    : 4 * (8 * tapSizes.reduce((s, v) => s + v, 0) + 12 * captureSizes.reduce((s, v) => s + v, 0) + size);
  const folds = foldedBiases(graph.layers);
  const out: Feature[] = graph.layers.map((layer, l) => {
    if (folds.into.has(l)) return { kind: 'folded' };
    const patchFactors = (cout: number, positions: number): PatchFactors => ({ kind: 'patches', g: matrix(rowsTotal, cout * positions, new Float32Array(rowsTotal * cout * positions)), cout, patches: new Array<MatrixF32>(n) });
    if (layer.kind === 'conv' && layer.groups === 1) {
      const [cout, oh, ow] = shapes.tapped[layer.tap];
      if (patchRouteWins(k, cout, oh * ow, patchDepth(layer, shapes.captured[layer.input], folds.bias.has(l)))) return patchFactors(cout, oh * ow);
    }
    // A dense layer over P positions (one head) is a 1x1 conv: its patches are its input rows [P, in].
    if (layer.kind === 'dense' && (layer.heads ?? 1) === 1) {
      const inShape = shapes.captured[layer.input];
      const positions = densePositions(inShape);
      const outDim = tapSizes[layer.tap] / positions;
      if (positions > 1 && patchRouteWins(k, outDim, positions, inShape[inShape.length - 1])) return patchFactors(outDim, positions);
    }
    if (layer.kind === 'dense' && layer.heads === undefined && densePositions(shapes.captured[layer.input]) === 1) {
      const inDim = captureSizes[layer.input];
      const outDim = tapSizes[layer.tap];
      return { kind: 'dense', alpha: layer.alpha, g: matrix(rowsTotal, outDim, new Float32Array(rowsTotal * outDim)), a: matrix(n, inDim, new Float32Array(n * inDim)) };
    }
    const cols = sizeOf((model.params.find((p) => p.name === (layer.kind === 'broadcast' ? layer.param : layer.weight)) as { shape: readonly number[] }).shape);
    // A folded bias adds a column per output channel (convRows).
    const biasCols = folds.bias.has(l) ? shapes.tapped[layer.tap][0] : 0;
    return { kind: 'rows', j: matrix(rowsTotal, cols + biasCols, new Float32Array(rowsTotal * (cols + biasCols))) };
  });
  // Each PatchMemo holds one sample's patches across blocks: that memory comes off the blocks' budget.
  const memoBytes = graph.layers.reduce((sum, layer, l) => sum + (out[l].kind === 'rows' ? memoSize(layer, shapes.captured, shapes.tapped, folds.bias.has(l)) : 0), 0);
  const block = Math.max(1, Math.min(rowsTotal, Math.floor(((options.blockBytes ?? JACOBIAN_BLOCK_BYTES) - 4 * memoBytes) / perRow)));
  const indices = graph.layers.map((layer, l) => (layer.kind === 'broadcast' && !folds.into.has(l) ? indexRuns(broadcastIndex((model.params.find((p) => p.name === layer.param) as { shape: readonly number[] }).shape, shapes.tapped[layer.tap], layer.param, layer.perChannel)) : undefined));
  const backward = graph.backward;
  const values = backward ? (forward ?? forwardValues(graph, params, model, x, n, backward.captures).values) : undefined;
  const tapNames = new Set(backward?.taps);
  const memos = graph.layers.map(patchMemo);
  const stepMemo: StepMemo = new Map();
  const pause = macrotaskYielder();
  const checkpoint = async (r0: number) => {
    await pause();
    if (options.signal?.aborted) throw new CodedError('train/cancelled', `the kernel was cancelled at row ${r0} of ${rowsTotal}`);
  };
  for (let r0 = 0; r0 < rowsTotal; r0 += block) {
    await checkpoint(r0);
    const r1 = Math.min(rowsTotal, r0 + block);
    const m = r1 - r0;
    let g: Float32Array[];
    let row: (capture: number, r: number) => Float32Array;
    if (backward && values) {
      const cotangents = await backpropagate(engine, backward.steps, backward.output, values, params0, k, r0, r1, tapNames, () => checkpoint(r0), stepMemo);
      g = backward.taps.map((name, t) => cotangents.get(name) ?? new Float32Array(m * tapSizes[t]));
      row = (ci, r) => {
        const v = values.get(backward.captures[ci]) as Captured;
        const i = Math.floor(r / k);
        return v.data.subarray(i * captureSizes[ci], (i + 1) * captureSizes[ci]);
      };
    } else {
      const tiled = tiledCotangents(graph, params, model, shapes, x, k, r0, r1);
      g = tiled.g;
      row = (ci, r) => tiled.c[ci].subarray((r - r0) * captureSizes[ci], (r - r0 + 1) * captureSizes[ci]);
    }
    for (const [l, layer] of graph.layers.entries()) {
      await checkpoint(r0);
      const f = out[l];
      const gl = g[layer.tap];
      const outSize = tapSizes[layer.tap];
      if (layer.kind === 'dense' && f.kind === 'dense') {
        f.g.data.set(gl, r0 * outSize);
        const inDim = captureSizes[layer.input];
        for (let r = r0; r < r1; r++) if (r === r0 || r % k === 0) f.a.data.set(row(layer.input, r), Math.floor(r / k) * inDim);
      } else if (layer.kind === 'dense' && f.kind === 'patches') {
        const inShape = shapes.captured[layer.input];
        const positions = densePositions(inShape);
        const inDim = inShape[inShape.length - 1];
        // Cotangents channels first, [out, P] per row (times alpha), as the conv's; each sample's input rows copied.
        f.g.data.set(headsFirst(gl, m, 1, positions, f.cout, layer.alpha), r0 * f.g.cols);
        for (let i = Math.floor(r0 / k); i <= Math.floor((r1 - 1) / k); i++) f.patches[i] ??= matrix(positions, inDim, row(layer.input, Math.max(r0, i * k)).slice());
      } else if (layer.kind === 'dense' && f.kind === 'rows') {
        await denseRows(engine, layer, f.j.data, gl, (r) => row(layer.input, r), shapes.captured[layer.input], shapes.tapped[layer.tap], k, r0, r1, memos[l]);
      } else if (layer.kind === 'conv' && f.kind === 'patches') {
        f.g.data.set(gl, r0 * f.g.cols);
        const inShape = shapes.captured[layer.input];
        const win = layer.window([inShape[1], inShape[2]]);
        const pd = patchDepth(layer, inShape, folds.bias.has(l));
        // Each sample's patches once, from the first block that holds one of its rows.
        for (let i = Math.floor(r0 / k); i <= Math.floor((r1 - 1) / k); i++)
          f.patches[i] ??= patchRowsOf(matrix(pd, win.output[0] * win.output[1], im2colT(row(layer.input, Math.max(r0, i * k)), inShape[1], inShape[2], 0, inShape[0], win, folds.bias.get(l))));
      } else if (layer.kind === 'conv' && f.kind === 'rows') {
        await convRows(engine, layer, f.j.data, gl, (r) => row(layer.input, r), shapes.captured[layer.input], shapes.tapped[layer.tap], k, r0, r1, memos[l], folds.bias.get(l));
      } else if (layer.kind === 'broadcast' && f.kind === 'rows') {
        const runs = indices[l] as IndexRuns;
        const factor = layer.factor;
        const scale = typeof factor === 'number' ? factor : 1;
        const cols = f.j.cols;
        for (let r = 0; r < m; r++) {
          if (typeof factor === 'number') addBroadcastRow(f.j.data, (r0 + r) * cols, gl, r * outSize, runs, scale);
          else addScaledBroadcastRow(f.j.data, (r0 + r) * cols, gl, r * outSize, runs, row(factor.capture, r0 + r));
        }
      }
    }
  }
  return out;
}

/**
 * Empirical NTK of a layer-wise graph on x1 (and x2, default x1), [n, ...inputShape] float64 flattened. full:
 * [n1 k, n2 k] sample-major; trace: [n1, n2] summed over classes. Float64 result, float32 products. Cost: one
 * forward over n samples and a backward over n k rows (backward steps: about one forward per row, convs on the
 * engine's ConvEngine; else a tiled tfjs forward and backward), per conv layer n GEMMs of [k cout, P] x [P, cin kh kw] and a Gram
 * of [n k, weight size] rows, per dense layer the Grams of cotangents and inputs (over P positions: a 1x1 conv's cost).
 * Memory: the Jacobian rows of the conv layers and of the dense layers over positions, for both input sets (at most
 * the Jacobian without its single-position dense layers).
 */
export async function layerwiseNtk(
  engine: MatmulEngine,
  model: DifferentiableModel,
  graph: LayerwiseGraph,
  params: ParamSet,
  x1: Float64Array,
  n1: number,
  mode: KernelMode,
  x2?: Float64Array,
  n2?: number,
  options: LayerwiseNtkOptions = {},
): Promise<Float64Array> {
  const k = model.outputs;
  const named: TensorParams = Object.fromEntries(
    model.params.map((spec) => {
      const p = params.find((q) => q.name === spec.name) ?? fail(`missing parameter ${spec.name}`);
      return [spec.name, tf.tensor(p.values, [...spec.shape], 'float32')];
    }),
  );
  try {
    // With backward steps the forward over x1 is needed anyway and gives the shapes; else one sample is probed.
    const forward1 = graph.backward ? forwardValues(graph, named, model, x1, n1, graph.backward.captures) : undefined;
    const shapes = forward1?.shapes ?? probeShapes(graph, named, model, x1);
    checkLayers(graph, model, shapes);
    const f1 = await features(engine, graph, model, named, params, shapes, x1, n1, options, forward1?.values);
    const otherN = x2 ? (n2 as number) : n1;
    const f2 = x2 ? await features(engine, graph, model, named, params, shapes, x2, otherN, options) : f1;
    const kernel = new Float64Array(mode === 'full' ? n1 * k * otherN * k : n1 * otherN);
    const pause = macrotaskYielder();
    const between = async () => {
      await pause();
      if (options.signal?.aborted) throw new CodedError('train/cancelled', 'the kernel was cancelled while its layer terms were summed');
    };
    for (const [l, a] of f1.entries()) {
      const b = f2[l];
      if (a.kind === 'dense' && b.kind === 'dense') {
        await addLayerTerm(engine, kernel, mode, k, { weight: a.alpha, bias: 0 }, false, a.g, b.g, a.a, b.a);
      } else if (a.kind === 'patches' && b.kind === 'patches') {
        await addPatchTerm(engine, kernel, mode, k, a, b, f2 === f1, between);
      } else if (a.kind === 'rows' && b.kind === 'rows') {
        if (mode === 'full') {
          const gram = await engine.crossGram(a.j, b.j);
          for (let q = 0; q < kernel.length; q++) kernel[q] += gram[q];
        } else
          for (let c = 0; c < k; c++) {
            const gram = await engine.crossGram(classRows(a.j, k, c), classRows(b.j, k, c));
            for (let q = 0; q < kernel.length; q++) kernel[q] += gram[q];
          }
      }
    }
    return kernel;
  } finally {
    tf.dispose(Object.values(named));
  }
}
