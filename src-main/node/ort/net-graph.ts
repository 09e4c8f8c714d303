// The paper's FCN and ResNet (NTK parameterisation, dense weights [out, in]) as ONNX ops: forward pass, hand-derived
// backward pass and the gradient-descent update, each weight update one fused Gemm (Y = W - lr dZ^T A, C = W, beta 1).
// Paper: Yu, Tian, Chen, ICLR 2025, eqs. 2.1 (FCN) and 2.2 (ResNet).
import type { GraphBuilder } from '../onnx/model-builder';
import { attr } from '../onnx/model-builder';

export interface NetSpec {
  readonly arch: 'fcn' | 'resnet';
  /** FCN: m_1..m_L; ResNet: L entries of the one width m. */
  readonly widths: readonly number[];
  readonly d: number;
  readonly k: number;
  /** FCN hidden biases; ResNet always has b0, b_l, d_l. */
  readonly bias: boolean;
  /** ResNet branch scale. */
  readonly alpha: number;
  /** 'standard': the same graph with every forward multiplier 1 (the initial weights carry the scale). */
  readonly parameterization: 'ntk' | 'standard';
}

export interface ParamShape {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The trained parameters in a fixed order, with PyTorch shapes. */
export function expectedParams(net: NetSpec): ParamShape[] {
  const out: ParamShape[] = [];
  const L = net.widths.length;
  if (net.arch === 'fcn') {
    net.widths.forEach((m, i) => {
      out.push({ name: `W${i + 1}`, shape: [m, i === 0 ? net.d : net.widths[i - 1]] });
      if (net.bias) out.push({ name: `b${i + 1}`, shape: [m] });
    });
    out.push({ name: 'Wout', shape: [net.k, net.widths[L - 1]] });
    return out;
  }
  const m = net.widths[0];
  out.push({ name: 'A', shape: [m, net.d] }, { name: 'b0', shape: [m] });
  for (let l = 1; l <= L; l++) out.push({ name: `W${l}`, shape: [m, m] }, { name: `b${l}`, shape: [m] });
  for (let l = 1; l <= L; l++) out.push({ name: `V${l}`, shape: [m, m] }, { name: `d${l}`, shape: [m] });
  out.push({ name: 'Wout', shape: [net.k, m] });
  return out;
}

/** f(X) as [n, k] and a closure emitting the updated parameters from dL/df. */
interface Forward {
  readonly f: string;
  readonly backward: (gradF: string, lr: number) => Record<string, string>;
}

const int = attr.int;
const float = attr.float;

// Activations are kept feature-major ([width, n], "aT") so every weight is the A operand of its matmul: MLAS streams A
// and packs only B, and with n = 6 packing a 2000 x 2000 B costs more than the multiply (forward 3.8 -> 1.6 ms here).

/** dZ = g * scale * 1[z > 0]: the ReLU derivative as PyTorch and tfjs take it (0 at z = 0). */
function reluBackward(g: GraphBuilder, grad: string, z: string, scale: number): string {
  const zero = g.constF32([0]);
  const scaled = scale === 1 ? grad : g.op('Mul', [grad, g.constF32([scale])]);
  return g.op('Where', [g.op('Greater', [z, zero]), scaled, zero]);
}

/** W - step * dZ A^T-as-rows, i.e. W - step * dZ^T A in row-major terms: one Gemm over W (K = n). */
function updateWeight(g: GraphBuilder, w: string, dZT: string, aT: string, step: number): string {
  return g.op('Gemm', [dZT, aT, w], { transB: int(1), alpha: float(-step), beta: float(1) });
}

/** b - step * sum over the batch of dZ ([width, n] feature-major). */
function updateBias(g: GraphBuilder, b: string, dZT: string, step: number): string {
  const sum = g.op('ReduceSum', [dZT, g.constI64([1])], { keepdims: int(0) });
  return g.op('Add', [b, g.op('Mul', [sum, g.constF32([-step])])]);
}

/** W x + b for feature-major x: Gemm(W, xT, b as a column). */
function dense(g: GraphBuilder, w: string, xT: string, b?: string, scale = 1): string {
  const inputs = b === undefined ? [w, xT] : [w, xT, g.op('Unsqueeze', [b, g.constI64([1])])];
  return g.op('Gemm', inputs, scale === 1 ? {} : { alpha: float(scale), beta: float(scale) });
}

/** W^T g for feature-major g: the gradient flowing back through a dense layer. */
function denseBackward(g: GraphBuilder, w: string, gradT: string, scale = 1): string {
  return g.op('Gemm', [w, gradT], scale === 1 ? { transA: int(1) } : { transA: int(1), alpha: float(scale) });
}

/** Closes a network: f = Wout a_L, transposed back to [n, k]; the backward starts from dL/df [n, k]. */
function readout(g: GraphBuilder, p: Readonly<Record<string, string>>, aLT: string) {
  const f = g.op('Transpose', [g.op('MatMul', [p.Wout, aLT])], { perm: attr.ints([1, 0]) });
  return {
    f,
    start: (gradF: string, lr: number) => {
      const gradFT = g.op('Transpose', [gradF], { perm: attr.ints([1, 0]) });
      return { Wout: updateWeight(g, p.Wout, gradFT, aLT, lr), gradT: denseBackward(g, p.Wout, gradFT) };
    },
  };
}

function fcnForward(g: GraphBuilder, net: NetSpec, p: Readonly<Record<string, string>>, xT: string): Forward {
  const layers: { aPrevT: string; zT: string; c: number }[] = [];
  let aT = xT;
  net.widths.forEach((m, i) => {
    const l = i + 1;
    const zT = dense(g, p[`W${l}`], aT, net.bias ? p[`b${l}`] : undefined);
    const c = net.parameterization === 'ntk' ? Math.sqrt(2 / m) : 1;
    const relu = g.op('Relu', [zT]);
    layers.push({ aPrevT: aT, zT, c });
    aT = c === 1 ? relu : g.op('Mul', [relu, g.constF32([c])]);
  });
  const out = readout(g, p, aT);
  const backward = (gradF: string, lr: number): Record<string, string> => {
    const start = out.start(gradF, lr);
    const next: Record<string, string> = { Wout: start.Wout };
    let gradT = start.gradT;
    for (let l = layers.length; l >= 1; l--) {
      const { aPrevT, zT, c } = layers[l - 1];
      const dZT = reluBackward(g, gradT, zT, c);
      next[`W${l}`] = updateWeight(g, p[`W${l}`], dZT, aPrevT, lr);
      if (net.bias) next[`b${l}`] = updateBias(g, p[`b${l}`], dZT, lr);
      if (l > 1) gradT = denseBackward(g, p[`W${l}`], dZT);
    }
    return next;
  };
  return { f: out.f, backward };
}

function resnetForward(g: GraphBuilder, net: NetSpec, p: Readonly<Record<string, string>>, xT: string): Forward {
  const m = net.widths[0];
  // standard parameterisation: every forward multiplier is 1 (alpha too), as core/models/architecture.ts defines it
  const ntk = net.parameterization === 'ntk';
  const s0 = ntk ? 1 / Math.sqrt(m) : 1;
  const c = ntk ? Math.sqrt(2 / m) : 1;
  const s = ntk ? net.alpha / Math.sqrt(m) : 1;
  const blocks: { aPrevT: string; uT: string; hT: string }[] = [];
  let aT = dense(g, p.A, xT, p.b0, s0);
  for (let l = 1; l <= net.widths.length; l++) {
    const uT = dense(g, p[`W${l}`], aT, p[`b${l}`]);
    const relu = g.op('Relu', [uT]);
    const hT = c === 1 ? relu : g.op('Mul', [relu, g.constF32([c])]);
    blocks.push({ aPrevT: aT, uT, hT });
    aT = g.op('Add', [aT, dense(g, p[`V${l}`], hT, p[`d${l}`], s)]);
  }
  const out = readout(g, p, aT);
  const backward = (gradF: string, lr: number): Record<string, string> => {
    const start = out.start(gradF, lr);
    const next: Record<string, string> = { Wout: start.Wout };
    let gradT = start.gradT;
    for (let l = blocks.length; l >= 1; l--) {
      const { aPrevT, uT, hT } = blocks[l - 1];
      // branch = s (V h + d): dV = s g h^T, dd = s sum(g), dh = s V^T g
      next[`V${l}`] = updateWeight(g, p[`V${l}`], gradT, hT, lr * s);
      next[`d${l}`] = updateBias(g, p[`d${l}`], gradT, lr * s);
      const dUT = reluBackward(g, denseBackward(g, p[`V${l}`], gradT, s), uT, c);
      next[`W${l}`] = updateWeight(g, p[`W${l}`], dUT, aPrevT, lr);
      next[`b${l}`] = updateBias(g, p[`b${l}`], dUT, lr);
      gradT = g.op('Add', [gradT, denseBackward(g, p[`W${l}`], dUT)]);
    }
    next.A = updateWeight(g, p.A, gradT, xT, lr * s0);
    next.b0 = updateBias(g, p.b0, gradT, lr * s0);
    return next;
  };
  return { f: out.f, backward };
}

/**
 * Emits f(X) [n, k] for parameter values named by `p` (keys: parameter names) from the inputs given feature-major,
 * xT [d, n]. `backward(gradF, lr)` then emits theta - lr dL/dtheta given dL/df [n, k]. Cost per weight entry: the
 * forward and the backward read it once each, the update Gemm reads it twice and writes it twice (C is copied to Y
 * first), so a step of the Fig. 1 network moves about 6 x 32 MB.
 */
export function emitNetwork(g: GraphBuilder, net: NetSpec, p: Readonly<Record<string, string>>, xT: string): Forward {
  return net.arch === 'fcn' ? fcnForward(g, net, p, xT) : resnetForward(g, net, p, xT);
}
