// Losses of the paper's training runs as ONNX ops: the scalar loss and its hand-derived gradient dL/df, from outputs
// f [n, k] and label constants baked into the graph. bce uses onnxruntime's Softplus (x + log1p(e^-x) for x > 0).
import type { LossConfig } from '../../contract/run-config';
import { lossNeedsBinaryLabels } from '../../contract/run-config-rules';
import type { GraphBuilder } from '../onnx/model-builder';

export interface LossValues {
  /** Scalar float32: the loss at the current parameters. */
  readonly loss: string;
  /** [n, k] float32: dL/df. */
  readonly gradF: string;
}

/** Why this loss cannot run for these labels and k, or null. */
export function lossProblem(loss: LossConfig, k: number, y: Int32Array): string | null {
  const binary = lossNeedsBinaryLabels(loss);
  if (binary && k !== 1) return `${loss.kind}${loss.kind === 'mse' ? ` with ${loss.targets} targets` : ''} needs k = 1 output, got k = ${k}`;
  if (loss.kind === 'softmax-ce' && k < 2) return `softmax-ce needs k >= 2 outputs, got k = ${k}`;
  const classes = binary ? 2 : k;
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < classes)) return `label y[${i}] = ${y[i]} is outside 0..${classes - 1}`;
  }
  return null;
}

function oneHot(y: Int32Array, k: number): Float32Array {
  const out = new Float32Array(y.length * k);
  y.forEach((label, i) => (out[i * k + label] = 1));
  return out;
}

/**
 * Emits the loss and dL/df for outputs `f` ([n, k]) into graph g. Mean reduction divides bce and softmax-ce by n and
 * mse by n k (PyTorch defaults). Cost: O(n k) elementwise, negligible next to the layers.
 */
export function emitLoss(g: GraphBuilder, loss: LossConfig, f: string, y: Int32Array, k: number): LossValues {
  const n = y.length;
  const mean = loss.reduction === 'mean';
  if (loss.kind === 'bce') {
    const scale = mean ? 1 / n : 1;
    const sign = Float32Array.from(y, (label) => 2 * label - 1);
    // l_i = softplus(-s_i f_i), dl/df_i = -s_i sigmoid(-s_i f_i)
    const negMargin = g.op('Mul', [f, g.constF32(sign.map((s) => -s), [n, 1])]);
    const total = g.op('ReduceSum', [g.op('Softplus', [negMargin])], { keepdims: { kind: 'int', value: 0 } });
    return {
      loss: mean ? g.op('Mul', [total, g.constF32([scale])]) : total,
      gradF: g.op('Mul', [g.op('Sigmoid', [negMargin]), g.constF32(sign.map((s) => -s * scale), [n, 1])]),
    };
  }
  if (loss.kind === 'softmax-ce') {
    const scale = mean ? 1 / n : 1;
    const target = g.constF32(oneHot(y, k), [n, k]);
    const logP = g.op('LogSoftmax', [f], { axis: { kind: 'int', value: 1 } });
    const picked = g.op('ReduceSum', [g.op('Mul', [logP, target])], { keepdims: { kind: 'int', value: 0 } });
    return {
      loss: g.op('Mul', [picked, g.constF32([-scale])]),
      gradF: g.op('Mul', [g.op('Sub', [g.op('Exp', [logP]), target]), g.constF32([scale])]),
    };
  }
  const scale = mean ? 1 / (n * k) : 1;
  const targets =
    loss.targets === 'one-hot' ? oneHot(y, k) : Float32Array.from(y, (label) => (loss.targets === 'plus-minus' ? 2 * label - 1 : label));
  const residual = g.op('Sub', [f, g.constF32(targets, [n, k])]);
  const total = g.op('ReduceSum', [g.op('Mul', [residual, residual])], { keepdims: { kind: 'int', value: 0 } });
  return {
    loss: mean ? g.op('Mul', [total, g.constF32([scale])]) : total,
    gradF: g.op('Mul', [residual, g.constF32([2 * scale])]),
  };
}
