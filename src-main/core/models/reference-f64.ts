// Float64 reference for the paper's networks in plain TypeScript: forward pass and the exact Jacobian of every
// output with respect to every parameter, by hand-written backprop, one sample at a time. For validation of the
// float32 engines and for small networks only: cost O(n k P) time and memory.
import { type Architecture, type DenseLayer, fcnLayers, forwardMults, paramShapes, resnetLayers } from './architecture';
import type { ParamSet } from './params';

type Params64 = Map<string, Float64Array>;

function toF64(params: ParamSet): Params64 {
  return new Map(params.map((p) => [p.name, Float64Array.from(p.values)]));
}

/** z = wm W h + bm b for one sample. */
function denseF64(a: Architecture, layer: DenseLayer, p: Params64, h: Float64Array): Float64Array {
  const { weight: wm, bias: bm } = forwardMults(a, layer);
  const w = p.get(layer.weight) as Float64Array;
  const b = layer.bias ? (p.get(layer.bias) as Float64Array) : undefined;
  const z = new Float64Array(layer.outDim);
  for (let o = 0; o < layer.outDim; o++) {
    let s = 0;
    const row = o * layer.inDim;
    for (let i = 0; i < layer.inDim; i++) s += w[row + i] * h[i];
    z[o] = wm * s + (b ? bm * b[o] : 0);
  }
  return z;
}

const relu = (z: Float64Array): Float64Array => z.map((v) => (v > 0 ? v : 0));

/** Records the gradient of z = wm W h + bm b, given dz, into the flat gradient; returns wm W^T dz. */
function backDense(a: Architecture, layer: DenseLayer, p: Params64, h: Float64Array, dz: Float64Array, grad: Float64Array, offsets: Map<string, number>): Float64Array {
  const { weight: wm, bias: bm } = forwardMults(a, layer);
  const w = p.get(layer.weight) as Float64Array;
  const wOff = offsets.get(layer.weight) as number;
  const dh = new Float64Array(layer.inDim);
  for (let o = 0; o < layer.outDim; o++) {
    const g = dz[o];
    if (g === 0) continue;
    const row = o * layer.inDim;
    for (let i = 0; i < layer.inDim; i++) {
      grad[wOff + row + i] += wm * g * h[i];
      dh[i] += wm * w[row + i] * g;
    }
  }
  if (layer.bias) {
    const bOff = offsets.get(layer.bias) as number;
    for (let o = 0; o < layer.outDim; o++) grad[bOff + o] += bm * dz[o];
  }
  return dh;
}

function paramOffsets(a: Architecture): { offsets: Map<string, number>; total: number } {
  const offsets = new Map<string, number>();
  let total = 0;
  for (const { name, shape } of paramShapes(a)) {
    offsets.set(name, total);
    total += shape.reduce((x, y) => x * y, 1);
  }
  return { offsets, total };
}

/** One sample's forward pass, and backprop of df = d(loss)/d(f) into a flat gradient row. */
interface SamplePass {
  readonly f: Float64Array;
  backprop(df: Float64Array, grad: Float64Array, offsets: Map<string, number>): void;
}

function fcnSample(a: Architecture & { arch: 'fcn' }, p: Params64, xs: Float64Array): SamplePass {
  const layers = fcnLayers(a);
  const hs: Float64Array[] = [xs];
  const zs: Float64Array[] = [];
  for (let l = 0; l < layers.length - 1; l++) {
    const z = denseF64(a, layers[l], p, hs[l]);
    zs.push(z);
    hs.push(relu(z));
  }
  const readout = layers[layers.length - 1];
  return {
    f: denseF64(a, readout, p, hs[hs.length - 1]),
    backprop(df, grad, offsets) {
      let dh = backDense(a, readout, p, hs[hs.length - 1], df, grad, offsets);
      for (let l = layers.length - 2; l >= 0; l--) {
        const dz = dh.map((v, i) => (zs[l][i] > 0 ? v : 0));
        dh = backDense(a, layers[l], p, hs[l], dz, grad, offsets);
      }
    },
  };
}

function resnetSample(a: Architecture & { arch: 'resnet' }, p: Params64, xs: Float64Array): SamplePass {
  const { input, blocks, readout } = resnetLayers(a);
  const streams: Float64Array[] = [denseF64(a, input, p, xs)];
  const inners: { z: Float64Array; h: Float64Array }[] = [];
  for (const block of blocks) {
    const prev = streams[streams.length - 1];
    const z = denseF64(a, block.inner, p, prev);
    const h = relu(z);
    const branch = denseF64(a, block.outer, p, h);
    inners.push({ z, h });
    streams.push(prev.map((v, i) => v + branch[i]));
  }
  return {
    f: denseF64(a, readout, p, streams[streams.length - 1]),
    backprop(df, grad, offsets) {
      let g = backDense(a, readout, p, streams[streams.length - 1], df, grad, offsets);
      for (let l = blocks.length - 1; l >= 0; l--) {
        const dh = backDense(a, blocks[l].outer, p, inners[l].h, g, grad, offsets);
        const dz = dh.map((v, i) => (inners[l].z[i] > 0 ? v : 0));
        const back = backDense(a, blocks[l].inner, p, streams[l], dz, grad, offsets);
        g = g.map((v, i) => v + back[i]);
      }
      backDense(a, input, p, xs, g, grad, offsets);
    },
  };
}

/** Outputs f(x) [n * k] sample-major, in float64. */
export function forwardF64(a: Architecture, params: ParamSet, x: ArrayLike<number>, n: number): Float64Array {
  return jacobianF64(a, params, x, n, false).outputs;
}

/**
 * Outputs [n * k] and Jacobian [n * k, P] (row i*k + c, columns in canonical parameter order) in float64.
 * With `withJacobian` false only the forward pass runs.
 */
export function jacobianF64(a: Architecture, params: ParamSet, x: ArrayLike<number>, n: number, withJacobian = true): { outputs: Float64Array; jacobian: Float64Array; paramCount: number } {
  const p = toF64(params);
  const { offsets, total } = paramOffsets(a);
  const k = a.outputs;
  const d = a.inputDim;
  const outputs = new Float64Array(n * k);
  const jacobian = new Float64Array(withJacobian ? n * k * total : 0);
  for (let s = 0; s < n; s++) {
    const xs = Float64Array.from({ length: d }, (_, j) => x[s * d + j]);
    const sample = a.arch === 'fcn' ? fcnSample(a, p, xs) : resnetSample(a, p, xs);
    outputs.set(sample.f, s * k);
    if (!withJacobian) continue;
    for (let c = 0; c < k; c++) {
      const df = new Float64Array(k);
      df[c] = 1;
      sample.backprop(df, jacobian.subarray((s * k + c) * total, (s * k + c + 1) * total), offsets);
    }
  }
  return { outputs, jacobian, paramCount: total };
}

/**
 * Empirical NTK J1 J2^T [n1 k, n2 k] (sample-major) in float64 from the reference Jacobians; x2 defaults to x1.
 * Cost O(n1 n2 k^2 P) time, O((n1 + n2) k P) memory.
 */
export function empiricalNtkF64(a: Architecture, params: ParamSet, x1: ArrayLike<number>, n1: number, x2?: ArrayLike<number>, n2?: number): Float64Array {
  const { jacobian: j1, paramCount } = jacobianF64(a, params, x1, n1);
  const j2 = x2 ? jacobianF64(a, params, x2, n2 as number).jacobian : j1;
  const rows = n1 * a.outputs;
  const cols = (x2 ? (n2 as number) : n1) * a.outputs;
  const kernel = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = x2 ? 0 : r; c < cols; c++) {
      let s = 0;
      const ro = r * paramCount;
      const co = c * paramCount;
      for (let j = 0; j < paramCount; j++) s += j1[ro + j] * j2[co + j];
      kernel[r * cols + c] = s;
      if (!x2) kernel[c * rows + r] = s;
    }
  }
  return kernel;
}
