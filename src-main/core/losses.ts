// Training losses on outputs f [n, k] and integer labels: binary cross-entropy on one logit (the paper's l(z) =
// ln(1 + e^-z), z = (2y-1) f), softmax cross-entropy on k logits, and MSE with 0/1, +/-1 or one-hot targets.
// Reduction 'mean' follows PyTorch: BCE and CE divide by n, MSE by n*k. Also float64 versions for metrics and the
// float64 gradient dL/df that kernel gradient descent (train/kernel-flow.ts) follows.
import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../contract/run-config';
import { CodedError } from '../contract/result';
import { lossLabelsProblem, outputsFor } from '../contract/run-config-rules';

/** Number of network outputs k a loss needs for a problem with `classes` label classes (contract/run-config-rules.ts). */
export function outputsForLoss(loss: LossConfig, classes: number): number {
  const problem = lossLabelsProblem(loss, classes);
  if (problem !== null) throw new CodedError('config/invalid', problem);
  return outputsFor(loss, classes);
}

/** Regression targets t [n * k] for MSE, sample-major. */
export function mseTargets(loss: LossConfig, y: Int32Array, k: number): Float32Array {
  const t = new Float32Array(y.length * k);
  for (let i = 0; i < y.length; i++) {
    if (loss.targets === 'one-hot') t[i * k + y[i]] = 1;
    else t[i] = loss.targets === 'plus-minus' ? 2 * y[i] - 1 : y[i];
  }
  return t;
}

/** Scalar loss tensor of f [n, k] against labels; differentiable in f. */
export function lossTensor(loss: LossConfig, f: tf.Tensor2D, y: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const [n, k] = f.shape;
    let total: tf.Scalar;
    let count = n;
    if (loss.kind === 'bce') {
      const sign = tf.tensor1d(Array.from(y, (label) => 2 * label - 1), 'float32');
      total = tf.sum(tf.softplus(tf.neg(tf.mul(tf.reshape(f, [n]), sign))));
    } else if (loss.kind === 'softmax-ce') {
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), k), 'float32');
      total = tf.neg(tf.sum(tf.mul(tf.logSoftmax(f), oneHot)));
    } else {
      const t = tf.tensor2d(mseTargets(loss, y, k), [n, k]);
      total = tf.sum(tf.square(tf.sub(f, t)));
      count = n * k;
    }
    return (loss.reduction === 'mean' ? tf.div(total, count) : total) as tf.Scalar;
  });
}

/** The same loss in float64 from outputs [n * k] sample-major (used for metrics from any engine). */
export function lossValue(loss: LossConfig, outputs: ArrayLike<number>, y: Int32Array, k: number): number {
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (loss.kind === 'bce') {
      total += softplus(-(2 * y[i] - 1) * outputs[i]);
    } else if (loss.kind === 'softmax-ce') {
      let max = -Infinity;
      for (let a = 0; a < k; a++) max = Math.max(max, outputs[i * k + a]);
      let sum = 0;
      for (let a = 0; a < k; a++) sum += Math.exp(outputs[i * k + a] - max);
      total += max + Math.log(sum) - outputs[i * k + y[i]];
    }
  }
  if (loss.kind === 'mse') {
    const t = mseTargets(loss, y, k);
    for (let j = 0; j < n * k; j++) total += (outputs[j] - t[j]) ** 2;
    return loss.reduction === 'mean' ? total / (n * k) : total;
  }
  return loss.reduction === 'mean' ? total / n : total;
}

/**
 * dL/df [n * k] of the same loss (reduction included: mean divides by n, or n k for MSE) at outputs [n * k]
 * sample-major, in float64. Cost O(n k).
 */
export function lossGradient(loss: LossConfig, outputs: ArrayLike<number>, y: Int32Array, k: number): Float64Array {
  const n = y.length;
  const g = new Float64Array(n * k);
  const t = loss.kind === 'mse' ? mseTargets(loss, y, k) : undefined;
  for (let i = 0; i < n; i++) {
    if (loss.kind === 'bce') {
      // d/df ln(1 + e^{-s f}) = -s sigmoid(-s f), written so that neither exp overflows.
      const s = 2 * y[i] - 1;
      g[i] = -s * sigmoid(-s * outputs[i]);
    } else if (loss.kind === 'softmax-ce') {
      let max = -Infinity;
      for (let a = 0; a < k; a++) max = Math.max(max, outputs[i * k + a]);
      let sum = 0;
      for (let a = 0; a < k; a++) sum += Math.exp(outputs[i * k + a] - max);
      for (let a = 0; a < k; a++) g[i * k + a] = Math.exp(outputs[i * k + a] - max) / sum - (a === y[i] ? 1 : 0);
    } else {
      for (let a = 0; a < k; a++) g[i * k + a] = 2 * (outputs[i * k + a] - (t as Float32Array)[i * k + a]);
    }
  }
  if (loss.reduction === 'mean') {
    const count = loss.kind === 'mse' ? n * k : n;
    for (let j = 0; j < g.length; j++) g[j] /= count;
  }
  return g;
}

/** 1 / (1 + e^-x) without overflow. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** ln(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Predicted class per sample: sign of the logit for one output, argmax otherwise. */
export function predictions(outputs: ArrayLike<number>, n: number, k: number, loss: LossConfig): Int32Array {
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (k === 1) {
      const threshold = loss.kind === 'mse' && loss.targets === 'zero-one' ? 0.5 : 0;
      pred[i] = outputs[i] > threshold ? 1 : 0;
    } else {
      let best = 0;
      for (let a = 1; a < k; a++) if (outputs[i * k + a] > outputs[i * k + best]) best = a;
      pred[i] = best;
    }
  }
  return pred;
}
