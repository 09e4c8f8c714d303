// Any model the generic eNTK can differentiate: named parameters plus a tfjs forward pass. The paper's networks
// implement it here; imported ONNX graphs implement it in node/onnx. Shapes are per sample, batch first.
import type * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from './architecture';
import { paramShapes } from './architecture';
import { forwardTf, type TensorParams } from './tf-forward';

export interface DifferentiableModel {
  /** Shape of one input sample, e.g. [d] or [1, 28, 28]. */
  readonly inputShape: readonly number[];
  /** k, the number of outputs. */
  readonly outputs: number;
  /** Trained parameters in canonical order. */
  readonly params: readonly { name: string; shape: readonly number[] }[];
  /** f(x) [n, k] for x [n, ...inputShape]; differentiable in params. */
  apply(params: TensorParams, x: tf.Tensor): tf.Tensor2D;
}

export function architectureModel(a: Architecture): DifferentiableModel {
  return {
    inputShape: [a.inputDim],
    outputs: a.outputs,
    params: paramShapes(a),
    apply: (params, x) => forwardTf(a, params, x as tf.Tensor2D),
  };
}
