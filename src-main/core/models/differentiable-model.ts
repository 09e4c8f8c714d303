// Any model the generic eNTK can differentiate: named parameters plus a tfjs forward pass. The paper's networks
// implement it here; imported ONNX graphs implement it in node/onnx. Shapes are per sample, batch first.
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from './architecture';
import { paramShapes } from './architecture';
import type { ParamSet } from './params';
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

/** The model's parameters as float32 tensors, in its canonical order; the caller disposes them. */
export function paramTensors(model: DifferentiableModel, params: ParamSet): tf.Tensor[] {
  return model.params.map((spec) => {
    const p = params.find((q) => q.name === spec.name);
    if (!p) throw new Error(`missing parameter ${spec.name}`);
    return tf.tensor(p.values, [...spec.shape], 'float32');
  });
}

/** f(x) [n * k] sample-major at plain-data parameters; x [n, ...inputShape] float64 flattened. One forward pass. */
export async function modelOutputs(model: DifferentiableModel, params: ParamSet, x: Float64Array): Promise<Float64Array> {
  const n = x.length / model.inputShape.reduce((s, v) => s * v, 1);
  const tensors = paramTensors(model, params);
  const f = tf.tidy(() => model.apply(Object.fromEntries(model.params.map((spec, i) => [spec.name, tensors[i]])), tf.tensor(Float32Array.from(x), [n, ...model.inputShape])));
  tf.dispose(tensors);
  const values = (await f.data()) as Float32Array;
  f.dispose();
  return Float64Array.from(values);
}
