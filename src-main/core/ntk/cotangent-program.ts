// Backpropagation of many output cotangents at once through a conv net, without tfjs: the layer-wise eNTK needs
// d f_c(x_i) / d y for every layer output y and every row (i, c), and tfjs-wasm's im2col autodiff costs seconds per
// row on a 20-layer CNN. Conv steps are one transposed convolution per block on the ConvEngine, dense steps GEMMs on
// the MatmulEngine (a dense layer over positions, as in per-token layers, one row per position); activations (any
// elementwise one through its derivative), max and average pooling, LayerNorm, transposes and reshapes use the
// forward values captured once per sample.
// Rows are independent: row r reads sample floor(r / k).
import { convEngineOf, type RowScale, scaleRows } from '../linalg/conv-engine';
import { type MatmulEngine, matrix } from '../linalg/gram-engine';
import type { ParamSet } from '../models/params';
import { findParam } from '../models/params';
import { broadcastIndex } from './broadcast-index';
import type { ConvWindow } from './im2col';

/**
 * A step's operand broadcast into its input per sample (numpy, or with perChannel a [C] operand along the channel
 * axis): a parameter (read at the kernel's parameters) or a constant.
 */
export type StepOperand = { readonly shape: readonly number[]; readonly perChannel?: boolean } & ({ readonly param: string } | { readonly values: Float32Array });

/** One op of the net, backwards: maps the cotangent of `y` onto its input(s). Shapes are per sample. */
export type BackStep =
  | { readonly op: 'conv'; readonly x: string; readonly y: string; readonly weight: string; readonly groups: number; window(spatial: readonly [number, number]): ConvWindow }
  /** y = alpha x W^T with W [out, in] (or x W with W [in, out] when transposed) at every position: x [...positions, in]. */
  | {
      readonly op: 'dense';
      readonly x: string;
      readonly y: string;
      readonly weight: string;
      readonly transposed: boolean;
      readonly alpha: number;
      /** Per-head weights [heads, ...] (MatMul on x [heads, T, in] per sample): head h's rows through weight h. */
      readonly heads?: number;
    }
  /** y = g(x) elementwise; leaky: g'(x) = 1 for x > 0 else alpha (relu: alpha 0). */
  | { readonly op: 'leaky'; readonly x: string; readonly y: string; readonly alpha: number }
  /** y = x for x > 0, else slope x (PRelu): g'(x) = 1 or the slope broadcast into x. */
  | { readonly op: 'prelu'; readonly x: string; readonly y: string; readonly slope: StepOperand }
  /** y = g(x) elementwise for a differentiable g (Tanh, Sigmoid, GELU, ...): `derivative` writes g'(x) into out. */
  | { readonly op: 'pointwise'; readonly x: string; readonly y: string; readonly derivative: Derivative }
  /**
   * y = (x - mean) / sqrt(var + epsilon) * scale + B with mean and var over each sample's axes [axis, rank) of the
   * batch-first value (LayerNormalization; axis may be negative, never the batch axis; InstanceNormalization is axis 2
   * with a per-channel scale).
   */
  | { readonly op: 'layer-norm'; readonly x: string; readonly y: string; readonly axis: number; readonly epsilon: number; readonly scale: StepOperand }
  /**
   * Average pooling (AveragePool, GlobalAveragePool) over x [c, h, w] per sample (other ranks as [c, 1, cells]): each output's
   * cotangent, divided by its window's count (`divisors`, [oh ow]), goes to every input cell its window covers.
   */
  | { readonly op: 'avgpool'; readonly x: string; readonly y: string; window(spatial: readonly [number, number]): ConvWindow; divisors(spatial: readonly [number, number]): Float32Array }
  /** Max pooling without padding: the cotangent goes to the first maximum of each window. */
  | { readonly op: 'maxpool'; readonly x: string; readonly y: string; readonly window: (spatial: readonly [number, number]) => ConvWindow }
  /** y = x with its per-sample axes permuted: y axis a is x axis perm[a] (Transpose keeping the batch axis first). */
  | { readonly op: 'transpose'; readonly x: string; readonly y: string; readonly perm: readonly number[] }
  /** y = factor * x in a new shape (Reshape, Flatten, Identity, Dropout, a bias added to x). */
  | { readonly op: 'same'; readonly x: string; readonly y: string; readonly factor: number }
  /** y = a + b (a residual join). */
  | { readonly op: 'add'; readonly a: string; readonly b: string; readonly y: string }
  /** y = a * b elementwise, two computed values of one per-sample shape (SiLU and Mish as exporters write them, gates). */
  | { readonly op: 'product'; readonly a: string; readonly b: string; readonly y: string }
  /**
   * y = the concatenation of `inputs` ('' for a constant one) along a per-sample axis: input j spans sizes[j] of it,
   * and `inner` elements follow each index of that axis. Each computed input's cotangent is its slice of y's.
   */
  | { readonly op: 'concat'; readonly inputs: readonly string[]; readonly y: string; readonly sizes: readonly number[]; readonly inner: number }
  /** y = x * s with s an operand broadcast into x (a Mul by a parameter or a constant tensor: LayerScale, GroupNorm's weight). */
  | { readonly op: 'scale'; readonly x: string; readonly y: string; readonly factor: StepOperand }
  /** y = x * s_c per channel, s_c = perChannel_c (times parameter `param`_c): inference BatchNorm. */
  | { readonly op: 'channel-scale'; readonly x: string; readonly y: string; readonly perChannel: Float32Array; readonly param?: string };

/** out[i] = g'(x[i]) for an elementwise g; out has x's length. */
export type Derivative = (x: Float32Array, out: Float32Array) => void;

/** The steps whose backward pass multiplies the cotangent elementwise by g'(x): they can ride a conv or a max pool. */
type Activation = BackStep & { readonly op: 'leaky' | 'prelu' | 'pointwise' };

const isActivation = (step: BackStep | undefined): step is Activation => step?.op === 'leaky' || step?.op === 'prelu' || step?.op === 'pointwise';

/** The values a step's cotangent flows into. */
function stepInputs(step: BackStep): readonly string[] {
  if (step.op === 'add' || step.op === 'product') return [step.a, step.b];
  if (step.op === 'concat') return step.inputs.filter((v) => v !== '');
  return [step.x];
}

/** The forward values a step reads (captured per sample): a product's two factors, nothing for a sum or a concat, else its input. */
export function capturedBy(step: BackStep): readonly string[] {
  if (step.op === 'product') return [step.a, step.b];
  if (step.op === 'add' || step.op === 'concat') return [];
  return [step.x];
}

export interface Captured {
  readonly shape: readonly number[];
  /** [n, ...shape] row-major: the value for each sample. */
  readonly data: Float32Array;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((s, v) => s * v, 1);

/** In-place accumulation of a cotangent block. */
function accumulate(g: Map<string, Float32Array>, name: string, add: Float32Array): void {
  const have = g.get(name);
  if (!have) g.set(name, add);
  else for (let i = 0; i < have.length; i++) have[i] += add[i];
}

/**
 * What steps derive from one sample's forward values (activation slopes, pool argmax), per step, for the sample the
 * last block ended with: a sample's k rows can end one block and start the next. Pass the same memo for every block
 * of a kernel; it holds one sample's values per such step.
 */
export type StepMemo = Map<BackStep, { readonly sample: number; readonly value: Float32Array | Int32Array }>;

/** The memo's value for (step, sample), else made and kept in its place (per-sample values: pool argmax). */
function memoized<T extends Float32Array | Int32Array>(memo: StepMemo, step: BackStep, sample: number, make: () => T): T {
  const kept = memo.get(step);
  if (kept?.sample === sample) return kept.value as T;
  const value = make();
  memo.set(step, { sample, value });
  return value;
}

/**
 * Cotangents of every value for rows [r0, r1) (row r = sample floor(r / k), output r % k), seeded with one-hot rows at
 * `output` ([k] per sample). Steps run in reverse order; a value's cotangent is complete when its producer runs. The
 * graph input's cotangent is not computed (no step produces it, so no layer reads it). Cost per row: about one
 * forward pass (conv steps on the engine's ConvEngine, see conv-engine.ts).
 */
export async function backpropagate(
  engine: MatmulEngine,
  steps: readonly BackStep[],
  output: string,
  values: ReadonlyMap<string, Captured>,
  params: ParamSet,
  k: number,
  r0: number,
  r1: number,
  /** The values whose cotangents the caller reads; the others are dropped once used, or overwritten in place. */
  keep: ReadonlySet<string>,
  /** Awaited before every step: where a cancel is noticed. */
  between: () => Promise<void> = async () => undefined,
  /** Carried from block to block of one kernel (StepMemo). */
  memo: StepMemo = new Map(),
): Promise<Map<string, Float32Array>> {
  const m = r1 - r0;
  const g = new Map<string, Float32Array>();
  const seed = new Float32Array(m * k);
  for (let r = 0; r < m; r++) seed[r * k + ((r0 + r) % k)] = 1;
  g.set(output, seed);
  const sample = (r: number) => Math.floor((r0 + r) / k);
  const value = (name: string) => values.get(name) ?? (() => { throw new Error(`no captured value ${name}`); })();
  const produced = new Set(steps.map((step) => step.y));
  const producer = new Map(steps.map((step) => [step.y, step]));
  const uses = new Map<string, number>();
  for (const step of steps) for (const name of stepInputs(step)) uses.set(name, (uses.get(name) ?? 0) + 1);
  const conv = convEngineOf(engine);
  for (let s = steps.length - 1; s >= 0; s--) {
    await between();
    const step = steps[s];
    const gy = g.get(step.y);
    if (!gy) continue;
    const own = !keep.has(step.y);
    if (own) g.delete(step.y);
    if (step.op === 'add') {
      if (step.a === step.b) {
        if (produced.has(step.a)) accumulate(g, step.a, scaled(gy, 2, own ? gy : new Float32Array(gy.length)));
        continue;
      }
      if (produced.has(step.a)) accumulate(g, step.a, own && !produced.has(step.b) ? gy : gy.slice());
      if (produced.has(step.b)) accumulate(g, step.b, own ? gy : gy.slice());
      continue;
    }
    if (step.op === 'product') {
      const [a, b] = [value(step.a), value(step.b)];
      const size = sizeOf(a.shape);
      const first = sample(0);
      const factorOf = (v: Captured) => v.data.subarray(first * size, (sample(m - 1) + 1) * size);
      const rows = Int32Array.from({ length: m }, (_, r) => sample(r) - first);
      if (step.a === step.b) {
        if (produced.has(step.a)) {
          const twice = multipliedRows(gy, factorOf(a), rows, size);
          accumulate(g, step.a, scaled(twice, 2, twice));
        }
        continue;
      }
      if (produced.has(step.a)) accumulate(g, step.a, multipliedRows(gy, factorOf(b), rows, size));
      if (produced.has(step.b)) accumulate(g, step.b, multipliedRows(gy, factorOf(a), rows, size));
      continue;
    }
    if (step.op === 'concat') {
      const total = step.sizes.reduce((t, v) => t + v, 0);
      const outer = gy.length / m / (total * step.inner);
      let offset = 0;
      step.inputs.forEach((name, j) => {
        if (name !== '' && produced.has(name)) accumulate(g, name, concatPart(gy, m, outer, total * step.inner, offset * step.inner, step.sizes[j] * step.inner));
        offset += step.sizes[j];
      });
      continue;
    }
    if (!produced.has(step.x)) continue;
    const x = value(step.x);
    const xs = sizeOf(x.shape);
    const ys = gy.length / m;
    const first = sample(0);
    const last = sample(m - 1);
    const endsInside = r1 < (last + 1) * k;
    const samples = Array.from({ length: last - first + 1 }, (_, q) => first + q);
    const rowIndex = () => Int32Array.from({ length: m }, (_, r) => sample(r) - first);
    const rowsOf = (v: Captured) => v.data.subarray(first * sizeOf(v.shape), (last + 1) * sizeOf(v.shape));
    const sampleOf = (v: Captured, i: number) => v.data.subarray(i * sizeOf(v.shape), (i + 1) * sizeOf(v.shape));
    // The slopes of samples [first, last] in one table, the first sample's from the memo when the last block left it
    // there, and the last sample's left there when this block ends inside it.
    const slopesOf = (act: Activation, v: Captured): RowScale => {
      const size = sizeOf(v.shape);
      const kept = memo.get(act);
      const from = kept?.sample === first ? first + 1 : first;
      let table = kept?.value as Float32Array;
      if (from <= last) {
        table = new Float32Array((last - first + 1) * size);
        if (from > first) table.set(kept?.value as Float32Array);
        const x = v.data.subarray(from * size, (last + 1) * size);
        const out = table.subarray((from - first) * size);
        if (act.op === 'leaky') leakySlopes(x, act.alpha, out);
        else if (act.op === 'prelu') preluSlopes(x, operandValues(act.slope, params, v.shape, act.x), out);
        else act.derivative(x, out);
      }
      if (endsInside && kept?.sample !== last) memo.set(act, { sample: last, value: last === first ? table : table.slice((last - first) * size) });
      return { table, rows: rowIndex() };
    };
    // An activation whose output only this step reads (and nobody keeps) goes back with a conv or a max pool: its
    // slopes multiply the conv's result in the engine, or the pooled cotangents as they are scattered (only the slopes
    // at the windows' maxima: a quarter of a 2 x 2 pool's input), and the activation's step then finds no cotangent.
    const act = producer.get(step.x);
    const rides = isActivation(act) && uses.get(step.x) === 1 && !keep.has(step.x) && produced.has(act.x) ? act : undefined;
    if (step.op === 'conv') {
      const [cin, h, w] = x.shape;
      const geometry = { input: [cin, h, w] as const, groups: step.groups, window: step.window([h, w]) };
      accumulate(g, rides ? rides.x : step.x, await conv.convBackward(gy, m, findParam(params, step.weight).values, geometry, rides && slopesOf(rides, value(rides.x))));
      continue;
    }
    if (step.op === 'maxpool') {
      const [c, h, w] = x.shape;
      const win = step.window([h, w]);
      const argmax = samples.map((i) => memoized(memo, step, i, () => poolArgmax(sampleOf(x, i), c, h, w, win)));
      const gx = new Float32Array(m * xs);
      if (rides) {
        // Only the slopes at each window's maximum are read: per sample, one per pooled output.
        const v = value(rides.x);
        const atMaxima = samples.map((i) => memoized(memo, rides, i, () => slopesAtMaxima(argmax[i - first], sampleOf(v, i), rides, params, v.shape)));
        for (let r = 0; r < m; r++) scatterWeightedRow(gx, r * xs, gy, r * ys, argmax[sample(r) - first], atMaxima[sample(r) - first]);
      } else for (let r = 0; r < m; r++) scatterRow(gx, r * xs, gy, r * ys, argmax[sample(r) - first]);
      accumulate(g, rides ? rides.x : step.x, gx);
      continue;
    }
    if (step.op === 'avgpool') {
      // Spatial axes other than two (a 1-D or 3-D global pool) are one row of xs / c cells.
      const [c, h, w] = x.shape.length === 3 ? x.shape : [x.shape[0], 1, xs / x.shape[0]];
      const inverse = Float32Array.from(step.divisors([h, w]), (d) => 1 / d);
      const win = step.window([h, w]);
      const gx = new Float32Array(m * xs);
      for (let r = 0; r < m; r++) averageScatterRow(gx, r * xs, gy, r * ys, [c, h, w], win, inverse);
      accumulate(g, step.x, gx);
      continue;
    }
    let gx: Float32Array;
    if (step.op === 'same') gx = step.factor === 1 && own ? gy : scaled(gy, step.factor, own ? gy : new Float32Array(gy.length));
    else if (isActivation(step)) {
      gx = own ? gy : gy.slice();
      scaleRows(gx, m, slopesOf(step, x));
    } else if (step.op === 'layer-norm') {
      const rank = x.shape.length + 1;
      const axis = step.axis < 0 ? step.axis + rank : step.axis;
      if (axis < 1 || axis >= rank) throw new Error(`LayerNormalization axis ${step.axis} of a rank-${rank} value is not a per-sample axis`);
      const group = sizeOf(x.shape.slice(axis - 1));
      const stats = layerNormStats(rowsOf(x), group, step.epsilon);
      gx = own ? gy : new Float32Array(gy.length);
      const scale = operandValues(step.scale, params, x.shape, step.x);
      for (let r = 0; r < m; r++) layerNormRow(gx, gy, r * xs, stats, (sample(r) - first) * xs, scale, group);
    } else if (step.op === 'scale') {
      gx = own ? gy : new Float32Array(gy.length);
      multiplyPerSample(gy, operandValues(step.factor, params, x.shape, step.x), gx);
    } else if (step.op === 'channel-scale') {
      const p = step.param ? findParam(params, step.param).values : undefined;
      gx = channelScaled(gy, Float32Array.from(step.perChannel, (f, ch) => f * (p ? p[ch] : 1)), xs / x.shape[0], own ? gy : new Float32Array(gy.length));
    } else if (step.op === 'transpose') {
      const index = transposeIndex(x.shape, step.perm);
      gx = new Float32Array(m * xs);
      for (let r = 0; r < m; r++) scatterRow(gx, r * xs, gy, r * ys, index);
    } else {
      const w = findParam(params, step.weight).values;
      // Every position is a row of its own: [m P, in] and [m P, out]; per head, head h's rows [m T, .] by weight h.
      const inDim = x.shape[x.shape.length - 1];
      const heads = step.heads ?? 1;
      const rows = (m * xs) / inDim / heads;
      const outDim = (m * ys) / rows / heads;
      const size = inDim * outDim;
      const weight = (h: number) => matrix(step.transposed ? inDim : outDim, step.transposed ? outDim : inDim, w.subarray(h * size, (h + 1) * size));
      if (heads === 1) {
        const prod = await engine.matmul(matrix(rows, outDim, gy), weight(0), step.transposed);
        gx = step.alpha === 1 ? prod.data : scaled(prod.data, step.alpha, prod.data);
      } else {
        gx = new Float32Array(m * xs);
        for (let h = 0; h < heads; h++) {
          const prod = await engine.matmul(matrix(rows, outDim, headRows(gy, m, heads, h, rows / m, outDim)), weight(h), step.transposed);
          putHeadRows(gx, prod.data, m, heads, h, rows / m, inDim, step.alpha);
        }
      }
    }
    accumulate(g, step.x, gx);
  }
  return g;
}

// The elementwise steps below are small functions so each loop is compiled for one array type (a hot loop inside the
// dispatcher above ran ~20x slower).

/** Head h's rows of v [m, heads, tokens, c] as one [m tokens, c] block. */
function headRows(v: Float32Array, m: number, heads: number, h: number, tokens: number, c: number): Float32Array {
  const out = new Float32Array(m * tokens * c);
  const plane = tokens * c;
  for (let r = 0; r < m; r++) out.set(v.subarray((r * heads + h) * plane, (r * heads + h + 1) * plane), r * plane);
  return out;
}

/** factor block [m tokens, c] into head h's rows of out [m, heads, tokens, c]. */
function putHeadRows(out: Float32Array, block: Float32Array, m: number, heads: number, h: number, tokens: number, c: number, factor: number): void {
  const plane = tokens * c;
  for (let r = 0; r < m; r++) {
    const at = (r * heads + h) * plane;
    for (let e = 0; e < plane; e++) out[at + e] = factor * block[r * plane + e];
  }
}

/** out = factor gy (out may be gy). */
function scaled(gy: Float32Array, factor: number, out: Float32Array): Float32Array {
  for (let i = 0; i < gy.length; i++) out[i] = factor * gy[i];
  return out;
}

/** out = the leaky slope at each element of x: 1 where x > 0, else alpha (a multiply per row then has no branch to mispredict). */
function leakySlopes(x: Float32Array, alpha: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? 1 : alpha;
}

/** out = the PRelu slope at each element of x (samples of perSample.length elements): 1 where x > 0, else the slope there. */
function preluSlopes(x: Float32Array, perSample: Float32Array, out: Float32Array): void {
  const size = perSample.length;
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? 1 : perSample[i % size];
}

/** gy [m, size] times, row r, the factor row rows[r] of factors [.., size]: a new array. */
function multipliedRows(gy: Float32Array, factors: Float32Array, rows: Int32Array, size: number): Float32Array {
  const out = new Float32Array(gy.length);
  for (let r = 0; r < rows.length; r++) {
    const at = r * size;
    const from = rows[r] * size;
    for (let e = 0; e < size; e++) out[at + e] = gy[at + e] * factors[from + e];
  }
  return out;
}

/** From each of the m outer rows of gy ([m outer, span]): the `width` elements at `offset`, packed. */
function concatPart(gy: Float32Array, m: number, outer: number, span: number, offset: number, width: number): Float32Array {
  const out = new Float32Array(m * outer * width);
  for (let q = 0; q < m * outer; q++) out.set(gy.subarray(q * span + offset, q * span + offset + width), q * width);
  return out;
}

/** gx = gy [m, size] times factor [size] in every row (gx may be gy). */
function multiplyPerSample(gy: Float32Array, factor: Float32Array, gx: Float32Array): void {
  const size = factor.length;
  for (let at = 0; at < gy.length; at += size) for (let e = 0; e < size; e++) gx[at + e] = gy[at + e] * factor[e];
}

/** An operand's value at each element of one sample of shape `shape` [size of shape]. */
function operandValues(operand: StepOperand, params: ParamSet, shape: readonly number[], of: string): Float32Array {
  const values = 'param' in operand ? findParam(params, operand.param).values : operand.values;
  const index = broadcastIndex(operand.shape, shape, `the operand of ${of}`, operand.perChannel);
  return Float32Array.from(index, (at) => values[at]);
}

/** Per group of `group` consecutive elements of x: the normalised values and 1 / sqrt(var + epsilon) (float64 sums). */
function layerNormStats(x: Float32Array, group: number, epsilon: number): { readonly normalized: Float32Array; readonly rstd: Float32Array } {
  const normalized = new Float32Array(x.length);
  const rstd = new Float32Array(x.length / group);
  for (let q = 0; q < rstd.length; q++) {
    const at = q * group;
    let sum = 0;
    for (let e = at; e < at + group; e++) sum += x[e];
    const mean = sum / group;
    let squares = 0;
    for (let e = at; e < at + group; e++) squares += (x[e] - mean) * (x[e] - mean);
    const r = 1 / Math.sqrt(squares / group + epsilon);
    rstd[q] = r;
    for (let e = at; e < at + group; e++) normalized[e] = (x[e] - mean) * r;
  }
  return { normalized, rstd };
}

/**
 * One row's LayerNorm cotangent (out may be gy): with h = gy scale and xhat the normalised input, per group
 * gx = rstd (h - mean(h) - xhat mean(h xhat)). `from` is the row's sample offset into the statistics.
 */
function layerNormRow(out: Float32Array, gy: Float32Array, at: number, stats: { readonly normalized: Float32Array; readonly rstd: Float32Array }, from: number, scale: Float32Array, group: number): void {
  const size = scale.length;
  for (let q = 0; q < size; q += group) {
    let sumH = 0;
    let sumHX = 0;
    for (let e = q; e < q + group; e++) {
      const h = gy[at + e] * scale[e];
      sumH += h;
      sumHX += h * stats.normalized[from + e];
    }
    const meanH = sumH / group;
    const meanHX = sumHX / group;
    const r = stats.rstd[(from + q) / group];
    for (let e = q; e < q + group; e++) out[at + e] = r * (gy[at + e] * scale[e] - meanH - stats.normalized[from + e] * meanHX);
  }
}

/** gx = gy [m, c, plane] times factors [c] (gx may be gy). */
function channelScaled(gy: Float32Array, factors: Float32Array, plane: number, gx: Float32Array): Float32Array {
  const c = factors.length;
  for (let at = 0, ch = 0; at < gy.length; at += plane, ch = (ch + 1) % c) {
    const f = factors[ch];
    for (let e = at; e < at + plane; e++) gx[e] = f * gy[e];
  }
  return gx;
}

/** For each output of a max pool over one sample x [c, h, w]: the input index of its window's first maximum, or -1. */
function poolArgmax(x: Float32Array, c: number, h: number, w: number, win: ConvWindow): Int32Array {
  const [oh, ow] = win.output;
  const out = new Int32Array(c * oh * ow).fill(-1);
  for (let ch = 0; ch < c; ch++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        let bestValue = -Infinity;
        for (let ki = 0; ki < win.kernel[0]; ki++) {
          const iy = oy * win.strides[0] - win.begin[0] + ki * win.dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let kj = 0; kj < win.kernel[1]; kj++) {
            const ix = ox * win.strides[1] - win.begin[1] + kj * win.dilations[1];
            if (ix < 0 || ix >= w) continue;
            const at = (ch * h + iy) * w + ix;
            if (x[at] > bestValue) {
              bestValue = x[at];
              best = at;
            }
          }
        }
        out[(ch * oh + oy) * ow + ox] = best;
      }
  return out;
}

/** For each element of x [shape] permuted by perm (output axis a is input axis perm[a]): its index in x. */
function transposeIndex(shape: readonly number[], perm: readonly number[]): Int32Array {
  const outShape = perm.map((a) => shape[a]);
  const strides = shape.map((_, a) => sizeOf(shape.slice(a + 1)));
  const index = new Int32Array(sizeOf(shape));
  for (let o = 0; o < index.length; o++) {
    let rest = o;
    let at = 0;
    for (let a = outShape.length - 1; a >= 0; a--) {
      at += (rest % outShape[a]) * strides[perm[a]];
      rest = Math.floor(rest / outShape[a]);
    }
    index[o] = at;
  }
  return index;
}

/**
 * An activation's slope at each pooled output's maximum, from one sample's activation input x [shape] (0 for a window
 * without input): leaky and PRelu 1 where x > 0 there, else alpha or the PRelu slope at that element; any other
 * elementwise activation its derivative at the maximum's input.
 */
function slopesAtMaxima(index: Int32Array, x: Float32Array, act: Activation, params: ParamSet, shape: readonly number[]): Float32Array {
  const out = new Float32Array(index.length);
  if (act.op === 'pointwise') {
    act.derivative(Float32Array.from(index, (i) => (i >= 0 ? x[i] : 0)), out);
    for (let o = 0; o < index.length; o++) if (index[o] < 0) out[o] = 0;
    return out;
  }
  const slope = act.op === 'leaky' ? act.alpha : operandValues(act.slope, params, shape, act.x);
  for (let o = 0; o < index.length; o++) {
    const i = index[o];
    if (i >= 0) out[o] = x[i] > 0 ? 1 : typeof slope === 'number' ? slope : slope[i];
  }
  return out;
}

/** One row of average pooling backwards: gx[xAt + input] += gy[yAt + o] inverse[o] over the cells of each window o. */
function averageScatterRow(gx: Float32Array, xAt: number, gy: Float32Array, yAt: number, [c, h, w]: readonly number[], win: ConvWindow, inverse: Float32Array): void {
  const [oh, ow] = win.output;
  for (let ch = 0; ch < c; ch++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const v = gy[yAt + (ch * oh + oy) * ow + ox] * inverse[oy * ow + ox];
        for (let ki = 0; ki < win.kernel[0]; ki++) {
          const iy = oy * win.strides[0] - win.begin[0] + ki * win.dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let kj = 0; kj < win.kernel[1]; kj++) {
            const ix = ox * win.strides[1] - win.begin[1] + kj * win.dilations[1];
            if (ix >= 0 && ix < w) gx[xAt + (ch * h + iy) * w + ix] += v;
          }
        }
      }
}

/** scatterRow with each value times its weight: gx[xAt + index[o]] += gy[yAt + o] weights[o]. */
function scatterWeightedRow(gx: Float32Array, xAt: number, gy: Float32Array, yAt: number, index: Int32Array, weights: Float32Array): void {
  for (let o = 0; o < index.length; o++) {
    const i = index[o];
    if (i >= 0) gx[xAt + i] += gy[yAt + o] * weights[o];
  }
}

/** gx[xAt + index[o]] += gy[yAt + o] for every output o with an input (a pool's maximum, a transposed element). */
function scatterRow(gx: Float32Array, xAt: number, gy: Float32Array, yAt: number, index: Int32Array): void {
  for (let o = 0; o < index.length; o++) if (index[o] >= 0) gx[xAt + index[o]] += gy[yAt + o];
}
