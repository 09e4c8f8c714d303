// Float64 reference nets for checking the analytic NTK: the FCN of eq. 2.1 and the ResNet of eq. 2.2 (arXiv 2504.11130)
// in plain loops with hand-written backprop, all parameters in one vector so that finite differences and the empirical
// NTK (sum over ALL trained parameters of grad f(x) . grad f(x')) are direct. Independent of src-main except the seeded RNG.
import type { Rng } from '../../../src-main/core/random';

export interface RefSpec {
  arch: 'fcn' | 'resnet';
  depth: number;
  bias: boolean;
  /** ResNet branch scale. */
  alpha?: number;
}

/** One weight or bias: rows x cols entries of theta from `offset`, row-major (a bias is one column). */
interface Slot {
  offset: number;
  rows: number;
  cols: number;
}

export interface RefNet {
  readonly spec: RefSpec;
  readonly d: number;
  readonly width: number;
  /** Every trained parameter, float64. */
  readonly theta: Float64Array;
  /** Names the parts of theta, for initialisation. */
  readonly layout: ReadonlyMap<string, Slot>;
  /** f(x) and, when grad is given (length theta.length), df/dtheta written into it. */
  evaluate(x: Float64Array, grad?: Float64Array): number;
}

/**
 * A net of the given width with the paper's initialisation: every weight (and FCN bias, and the ResNet input bias b)
 * N(0,1); the ResNet block biases b_l, d_l at 0, or N(0,1) with `blockBiases: 'normal'` (finite-difference checks,
 * where zeros could hide a gradient that wrongly ignores them).
 */
export function createRefNet(spec: RefSpec, d: number, width: number, rng: Rng, options: { blockBiases?: 'zero' | 'normal' } = {}): RefNet {
  const layout = new Map<string, Slot>();
  let size = 0;
  const add = (name: string, rows: number, cols: number): void => {
    layout.set(name, { offset: size, rows, cols });
    size += rows * cols;
  };
  const { depth, bias } = spec;
  if (spec.arch === 'fcn') {
    for (let l = 1; l <= depth; l++) {
      add(`W${l}`, width, l === 1 ? d : width);
      if (bias) add(`b${l}`, width, 1);
    }
  } else {
    add('A', width, d);
    if (bias) add('b', width, 1);
    for (let l = 1; l <= depth; l++) {
      add(`W${l}`, width, width);
      if (bias) add(`b${l}`, width, 1);
      add(`V${l}`, width, width);
      if (bias) add(`d${l}`, width, 1);
    }
  }
  add('out', 1, width);
  const theta = new Float64Array(size);
  const net = { spec, d, width, theta, layout } as const;
  initialise(net, rng, options.blockBiases ?? 'zero');
  const evaluate = spec.arch === 'fcn' ? fcnEvaluator(net) : resnetEvaluator(net);
  return { ...net, evaluate };
}

/** Redraws theta in place (a new seed for the same architecture, no reallocation). */
export function initialise(net: Pick<RefNet, 'spec' | 'theta' | 'layout'>, rng: Rng, blockBiases: 'zero' | 'normal' = 'zero'): void {
  for (const [name, slot] of net.layout) {
    const zero = net.spec.arch === 'resnet' && blockBiases === 'zero' && /^[bd]\d+$/.test(name);
    const values = net.theta.subarray(slot.offset, slot.offset + slot.rows * slot.cols);
    for (let i = 0; i < values.length; i++) values[i] = zero ? 0 : rng.normal();
  }
}

/** The empirical NTK on k points (k x d row-major): [k, k] row-major, sum over all parameters, float64. */
export function empiricalNtk(net: RefNet, xs: Float64Array, k: number, grads: Float64Array[]): Float64Array {
  for (let i = 0; i < k; i++) net.evaluate(xs.subarray(i * net.d, (i + 1) * net.d), grads[i]);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let sum = 0;
      const gi = grads[i];
      const gj = grads[j];
      for (let p = 0; p < gi.length; p++) sum += gi[p] * gj[p];
      out[i * k + j] = sum;
      out[j * k + i] = sum;
    }
  }
  return out;
}

/** y = M v (+ bias), M rows x cols at theta[offset]. */
function matVec(theta: Float64Array, slot: Slot, v: Float64Array, y: Float64Array): void {
  for (let r = 0; r < slot.rows; r++) {
    let sum = 0;
    const row = slot.offset + r * slot.cols;
    for (let c = 0; c < slot.cols; c++) sum += theta[row + c] * v[c];
    y[r] = sum;
  }
}

/** y = M^T u. */
function matTVec(theta: Float64Array, slot: Slot, u: Float64Array, y: Float64Array): void {
  y.fill(0);
  for (let r = 0; r < slot.rows; r++) {
    const ur = u[r];
    const row = slot.offset + r * slot.cols;
    for (let c = 0; c < slot.cols; c++) y[c] += theta[row + c] * ur;
  }
}

/** grad[M] = scale * u v^T. */
function outer(grad: Float64Array, slot: Slot, u: Float64Array, v: Float64Array, scale: number): void {
  for (let r = 0; r < slot.rows; r++) {
    const ur = scale * u[r];
    const row = slot.offset + r * slot.cols;
    for (let c = 0; c < slot.cols; c++) grad[row + c] = ur * v[c];
  }
}

function slotOf(layout: ReadonlyMap<string, Slot>, name: string): Slot {
  const slot = layout.get(name);
  if (!slot) throw new Error(`no slot ${name}`);
  return slot;
}

// a0 = x; z_l = W_l a_{l-1} + b_l; a_l = sqrt(2/m) relu(z_l); f = out . a_L.
function fcnEvaluator(net: Pick<RefNet, 'spec' | 'd' | 'width' | 'theta' | 'layout'>): RefNet['evaluate'] {
  const { depth, bias } = net.spec;
  const m = net.width;
  const c = Math.sqrt(2 / m);
  const weights = Array.from({ length: depth }, (_, l) => slotOf(net.layout, `W${l + 1}`));
  const biases = bias ? Array.from({ length: depth }, (_, l) => slotOf(net.layout, `b${l + 1}`)) : [];
  const out = slotOf(net.layout, 'out');
  const z = Array.from({ length: depth }, () => new Float64Array(m));
  const a = Array.from({ length: depth }, () => new Float64Array(m));
  const delta = new Float64Array(m);
  const back = new Float64Array(m);
  return (x, grad) => {
    const { theta } = net;
    for (let l = 0; l < depth; l++) {
      matVec(theta, weights[l], l === 0 ? x : a[l - 1], z[l]);
      if (bias) for (let r = 0; r < m; r++) z[l][r] += theta[biases[l].offset + r];
      for (let r = 0; r < m; r++) a[l][r] = z[l][r] > 0 ? c * z[l][r] : 0;
    }
    let f = 0;
    for (let r = 0; r < m; r++) f += theta[out.offset + r] * a[depth - 1][r];
    if (!grad) return f;
    grad.set(a[depth - 1], out.offset);
    back.set(theta.subarray(out.offset, out.offset + m));
    for (let l = depth - 1; l >= 0; l--) {
      for (let r = 0; r < m; r++) delta[r] = z[l][r] > 0 ? c * back[r] : 0;
      const input = l === 0 ? x : a[l - 1];
      outer(grad, weights[l], delta, input, 1);
      if (bias) grad.set(delta, biases[l].offset);
      if (l > 0) matTVec(theta, weights[l], delta, back);
    }
    return f;
  };
}

// a0 = (A x + b)/sqrt(m); g_l = W_l a_{l-1} + b_l; h_l = sqrt(2/m) relu(g_l); a_l = a_{l-1} + alpha/sqrt(m) (V_l h_l + d_l).
function resnetEvaluator(net: Pick<RefNet, 'spec' | 'd' | 'width' | 'theta' | 'layout'>): RefNet['evaluate'] {
  const { depth, bias } = net.spec;
  const alpha = net.spec.alpha ?? 1 / depth;
  const m = net.width;
  const c = Math.sqrt(2 / m);
  const s = 1 / Math.sqrt(m);
  const A = slotOf(net.layout, 'A');
  const b0 = bias ? slotOf(net.layout, 'b') : undefined;
  const W = Array.from({ length: depth }, (_, l) => slotOf(net.layout, `W${l + 1}`));
  const V = Array.from({ length: depth }, (_, l) => slotOf(net.layout, `V${l + 1}`));
  const bl = bias ? Array.from({ length: depth }, (_, l) => slotOf(net.layout, `b${l + 1}`)) : [];
  const dl = bias ? Array.from({ length: depth }, (_, l) => slotOf(net.layout, `d${l + 1}`)) : [];
  const out = slotOf(net.layout, 'out');
  const a = Array.from({ length: depth + 1 }, () => new Float64Array(m));
  const g = Array.from({ length: depth }, () => new Float64Array(m));
  const h = Array.from({ length: depth }, () => new Float64Array(m));
  const tmp = new Float64Array(m);
  const beta = new Float64Array(m);
  const dh = new Float64Array(m);
  const dg = new Float64Array(m);
  return (x, grad) => {
    const { theta } = net;
    matVec(theta, A, x, a[0]);
    for (let r = 0; r < m; r++) a[0][r] = s * (a[0][r] + (b0 ? theta[b0.offset + r] : 0));
    for (let l = 0; l < depth; l++) {
      matVec(theta, W[l], a[l], g[l]);
      if (bias) for (let r = 0; r < m; r++) g[l][r] += theta[bl[l].offset + r];
      for (let r = 0; r < m; r++) h[l][r] = g[l][r] > 0 ? c * g[l][r] : 0;
      matVec(theta, V[l], h[l], tmp);
      for (let r = 0; r < m; r++) a[l + 1][r] = a[l][r] + alpha * s * (tmp[r] + (bias ? theta[dl[l].offset + r] : 0));
    }
    let f = 0;
    for (let r = 0; r < m; r++) f += theta[out.offset + r] * a[depth][r];
    if (!grad) return f;
    grad.set(a[depth], out.offset);
    beta.set(theta.subarray(out.offset, out.offset + m));
    for (let l = depth - 1; l >= 0; l--) {
      outer(grad, V[l], beta, h[l], alpha * s);
      if (bias) for (let r = 0; r < m; r++) grad[dl[l].offset + r] = alpha * s * beta[r];
      matTVec(theta, V[l], beta, dh);
      for (let r = 0; r < m; r++) dg[r] = g[l][r] > 0 ? alpha * s * c * dh[r] : 0;
      outer(grad, W[l], dg, a[l], 1);
      if (bias) grad.set(dg, bl[l].offset);
      matTVec(theta, W[l], dg, tmp);
      for (let r = 0; r < m; r++) beta[r] += tmp[r];
    }
    outer(grad, A, beta, x, s);
    if (b0) for (let r = 0; r < m; r++) grad[b0.offset + r] = s * beta[r];
    return f;
  };
}
