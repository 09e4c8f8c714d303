// Backpropagation of many output cotangents at once through a conv net, without tfjs: the layer-wise eNTK needs
// d f_c(x_i) / d y for every layer output y and every row (i, c), and tfjs-wasm's im2col autodiff costs seconds per
// row on a 20-layer CNN. Conv and dense steps are GEMMs on the MatmulEngine (col2im in JS); activations, pooling and
// reshapes use the forward values captured once per sample. Rows are independent: row r reads sample floor(r / k).
import { type MatmulEngine, matrix } from '../linalg/gram-engine';
import type { ParamSet } from '../models/params';
import { findParam } from '../models/params';
import type { ConvWindow } from './im2col';

/** One op of the net, backwards: maps the cotangent of `y` onto its input(s). Shapes are per sample. */
export type BackStep =
  | { readonly op: 'conv'; readonly x: string; readonly y: string; readonly weight: string; readonly groups: number; window(spatial: readonly [number, number]): ConvWindow }
  /** y = alpha x W^T with W [out, in] (or x W with W [in, out] when transposed). */
  | { readonly op: 'dense'; readonly x: string; readonly y: string; readonly weight: string; readonly transposed: boolean; readonly alpha: number }
  /** y = g(x) elementwise; leaky: g'(x) = 1 for x > 0 else alpha (relu: alpha 0). */
  | { readonly op: 'leaky'; readonly x: string; readonly y: string; readonly alpha: number }
  /** Max pooling without padding: the cotangent goes to the first maximum of each window. */
  | { readonly op: 'maxpool'; readonly x: string; readonly y: string; readonly window: (spatial: readonly [number, number]) => ConvWindow }
  /** y = factor * x in a new shape (Reshape, Flatten, Identity, Dropout, a bias added to x). */
  | { readonly op: 'same'; readonly x: string; readonly y: string; readonly factor: number }
  /** y = a + b (a residual join). */
  | { readonly op: 'add'; readonly a: string; readonly b: string; readonly y: string }
  /** y = x * s_c per channel, s_c = perChannel_c (times parameter `param`_c): inference BatchNorm. */
  | { readonly op: 'channel-scale'; readonly x: string; readonly y: string; readonly perChannel: Float32Array; readonly param?: string };

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
 * Cotangents of every value for rows [r0, r1) (row r = sample floor(r / k), output r % k), seeded with one-hot rows at
 * `output` ([k] per sample). Steps run in reverse order; a value's cotangent is complete when its producer runs.
 * Cost per row: about one forward pass (conv and dense as GEMMs), plus col2im.
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
  /** Awaited before every step: where a cancel is noticed. */
  between: () => Promise<void> = async () => undefined,
): Promise<Map<string, Float32Array>> {
  const m = r1 - r0;
  const g = new Map<string, Float32Array>();
  const seed = new Float32Array(m * k);
  for (let r = 0; r < m; r++) seed[r * k + ((r0 + r) % k)] = 1;
  g.set(output, seed);
  const sample = (r: number) => Math.floor((r0 + r) / k);
  const value = (name: string) => values.get(name) ?? (() => { throw new Error(`no captured value ${name}`); })();
  for (let s = steps.length - 1; s >= 0; s--) {
    await between();
    const step = steps[s];
    const gy = g.get(step.y);
    if (!gy) continue;
    if (step.op === 'add') {
      accumulate(g, step.a, step.a === step.b ? gy.map((v) => 2 * v) : gy.slice());
      if (step.a !== step.b) accumulate(g, step.b, gy.slice());
      continue;
    }
    const x = value(step.x);
    const xs = sizeOf(x.shape);
    const ys = gy.length / m;
    const gx = new Float32Array(m * xs);
    if (step.op === 'same') {
      for (let i = 0; i < gx.length; i++) gx[i] = step.factor * gy[i];
    } else if (step.op === 'leaky') {
      for (let r = 0; r < m; r++) {
        const xi = sample(r) * xs;
        for (let e = 0; e < xs; e++) gx[r * xs + e] = x.data[xi + e] > 0 ? gy[r * xs + e] : step.alpha * gy[r * xs + e];
      }
    } else if (step.op === 'channel-scale') {
      const c = x.shape[0];
      const plane = xs / c;
      const p = step.param ? findParam(params, step.param).values : undefined;
      for (let r = 0; r < m; r++)
        for (let ch = 0; ch < c; ch++) {
          const f = step.perChannel[ch] * (p ? p[ch] : 1);
          for (let e = ch * plane; e < (ch + 1) * plane; e++) gx[r * xs + e] = f * gy[r * ys + e];
        }
    } else if (step.op === 'maxpool') {
      const [c, h, w] = x.shape;
      const win = step.window([h, w]);
      const [oh, ow] = win.output;
      for (let r = 0; r < m; r++) {
        const xi = sample(r) * xs;
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
                  if (x.data[xi + at] > bestValue) {
                    bestValue = x.data[xi + at];
                    best = at;
                  }
                }
              }
              if (best >= 0) gx[r * xs + best] += gy[r * ys + (ch * oh + oy) * ow + ox];
            }
      }
    } else if (step.op === 'dense') {
      const w = findParam(params, step.weight);
      const out = ys;
      const prod = await engine.matmul(matrix(m, out, gy), matrix(step.transposed ? xs : out, step.transposed ? out : xs, w.values), step.transposed);
      for (let i = 0; i < gx.length; i++) gx[i] = step.alpha * prod.data[i];
    } else {
      await convBackward(engine, step, x.shape, gy, gx, m, findParam(params, step.weight).values);
    }
    accumulate(g, step.x, gx);
  }
  return g;
}

/** dX for y = conv(x, W): per group, dPatches [m P, pd] = G^T [m P, coutG] x W_g [coutG, pd], then col2im. */
async function convBackward(engine: MatmulEngine, step: BackStep & { op: 'conv' }, shape: readonly number[], gy: Float32Array, gx: Float32Array, m: number, weight: Float32Array): Promise<void> {
  const [cin, h, w] = shape;
  const win = step.window([h, w]);
  const [oh, ow] = win.output;
  const positions = oh * ow;
  const cout = gy.length / m / positions;
  const groups = step.groups;
  const coutG = cout / groups;
  const cinG = cin / groups;
  const [kh, kw] = win.kernel;
  const pd = cinG * kh * kw;
  const xs = cin * h * w;
  for (let gi = 0; gi < groups; gi++) {
    const gt = new Float32Array(m * positions * coutG);
    for (let r = 0; r < m; r++)
      for (let o = 0; o < coutG; o++) {
        const src = (r * cout + gi * coutG + o) * positions;
        for (let p = 0; p < positions; p++) gt[(r * positions + p) * coutG + o] = gy[src + p];
      }
    const wg = weight.subarray(gi * coutG * pd, (gi + 1) * coutG * pd);
    const patches = (await engine.matmul(matrix(m * positions, coutG, gt), matrix(coutG, pd, wg), false)).data;
    for (let r = 0; r < m; r++)
      for (let ch = 0; ch < cinG; ch++) {
        const plane = r * xs + (gi * cinG + ch) * h * w;
        for (let ki = 0; ki < kh; ki++)
          for (let kj = 0; kj < kw; kj++) {
            const col = (ch * kh + ki) * kw + kj;
            for (let oy = 0; oy < oh; oy++) {
              const iy = oy * win.strides[0] - win.begin[0] + ki * win.dilations[0];
              if (iy < 0 || iy >= h) continue;
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * win.strides[1] - win.begin[1] + kj * win.dilations[1];
                if (ix >= 0 && ix < w) gx[plane + iy * w + ix] += patches[((r * positions) + oy * ow + ox) * pd + col];
              }
            }
          }
      }
  }
}
