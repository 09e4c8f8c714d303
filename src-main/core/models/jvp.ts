// Jacobian-vector products J_0(x) v at fixed parameters theta_0, for the linearised network f_0(x) + J_0(x)(theta -
// theta_0) (Lee et al. 2019, "Wide neural networks of any depth evolve as linear models"). tfjs has reverse mode only,
// so this is the double-VJP trick: u -> J^T u is linear in u, and the gradient in u of <J^T u, v> is J v. Nothing of
// size n x P is ever stored: the cost is about two backward passes over the batch (~4 forward passes).
import * as tf from '@tensorflow/tfjs-core';
import { type DifferentiableModel, paramTensors } from './differentiable-model';
import type { ParamSet } from './params';

export interface JvpAt {
  /**
   * J_0(x) v: x [n, ...inputShape] float64 flattened, v the tangent laid out like the parameters (theta_t - theta_0).
   * Returns [n * k] float64, sample-major. Cost: ~4 forward passes over the n samples, float32 products.
   */
  jvpFn(x: Float64Array, tangent: ParamSet): Promise<Float64Array>;
  /** Frees the parameter tensors held for theta_0. */
  dispose(): void;
}

/** Holds theta_0 as tensors; each call uploads only the tangent and the inputs. */
export function jvpAt(model: DifferentiableModel, params0: ParamSet): JvpAt {
  const theta0 = paramTensors(model, params0);
  const sampleSize = model.inputShape.reduce((s, v) => s * v, 1);
  const k = model.outputs;
  return {
    async jvpFn(x, tangent) {
      const n = x.length / sampleSize;
      const out = tf.tidy(() => {
        const xs = tf.tensor(Float32Array.from(x), [n, ...model.inputShape]);
        const v = paramTensors(model, tangent);
        const vjpDotV = (u: tf.Tensor): tf.Scalar => {
          const vjp = tf.grads((...ps: tf.Tensor[]) => {
            const named = Object.fromEntries(model.params.map((spec, i) => [spec.name, ps[i]]));
            return tf.sum(tf.mul(model.apply(named, xs), u));
          })(theta0);
          return tf.addN(vjp.map((g, i) => tf.sum(tf.mul(g, v[i])))) as tf.Scalar;
        };
        // The value of u does not matter (J^T u is linear in u); zeros keep the inner pass cheap to reason about.
        return tf.grad(vjpDotV)(tf.zeros([n, k]));
      });
      const values = (await out.data()) as Float32Array;
      out.dispose();
      return Float64Array.from(values);
    },
    dispose() {
      tf.dispose(theta0);
    },
  };
}
