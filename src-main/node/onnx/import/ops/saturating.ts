// Sigmoid, Softmax and LogSoftmax with derivatives that stay accurate where the output saturates. tfjs differentiates
// them through the output (y (1 - y), y (dy - sum y dy), dy - y sum dy); once y rounds to 1 in float32 (a logit gap
// past ~17) the 1 - y in there is exactly 0 and the gradient vanishes although its true value (e^-gap) is a normal
// float32 number. Here 1 - y is computed from the logits instead, so gradients stay exact to e^-87.
import * as tf from '@tensorflow/tfjs-core';

type Vjp = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor;

/** A one-input op with its own vector-Jacobian product. */
function unary(f: (x: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: Vjp }): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const { value, gradFunc } = f(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc);
    return { value, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => gradFunc(dy as tf.Tensor, saved) };
  });
  return (x) => op(x);
}

/** sigmoid(x) with d/dx = sigmoid(x) sigmoid(-x) (no 1 - y). Any shape, float32. */
export const stableSigmoid: (x: tf.Tensor) => tf.Tensor = unary((x, save) => {
  save([x]);
  return { value: tf.sigmoid(x), gradFunc: (dy, saved) => tf.mul(dy, tf.mul(tf.sigmoid(saved[0]), tf.sigmoid(tf.neg(saved[0])))) };
});

/**
 * 1 - softmax(x) over the last axis, without cancellation: for the largest logit it is r / (1 + r) with
 * r = sum over the other entries of exp(x_j - x_max); elsewhere y <= 1/2 and 1 - y is exact enough. Returns it and the
 * one-hot mask of the largest entry (ties: the first).
 */
function complement(x: tf.Tensor, y: tf.Tensor): { c: tf.Tensor; top: tf.Tensor } {
  const k = x.shape[x.rank - 1];
  const top = tf.cast(tf.oneHot(tf.argMax(x, -1), k), 'float32');
  const rest = tf.sub(1, top);
  const r = tf.sum(tf.mul(tf.exp(tf.sub(x, tf.max(x, -1, true))), rest), -1, true);
  return { c: tf.add(tf.mul(top, tf.div(r, tf.add(1, r))), tf.mul(rest, tf.sub(1, y))), top };
}

/** softmax over the last axis; the vector-Jacobian product is y (dy (1 - y) - sum_{j != i} y_j dy_j). Cost O(size). */
export const stableSoftmax: (x: tf.Tensor) => tf.Tensor = unary((x, save) => {
  const y = tf.softmax(x);
  save([x, y]);
  return {
    value: y,
    gradFunc: (dy, saved) => {
      const [xs, ys] = saved;
      const { c, top } = complement(xs, ys);
      const yDy = tf.mul(ys, dy);
      // sum over j != i of y_j dy_j: for the top entry summed directly (the total minus y_top dy_top would cancel).
      const others = tf.add(tf.mul(top, tf.sum(tf.mul(yDy, tf.sub(1, top)), -1, true)), tf.mul(tf.sub(1, top), tf.sub(tf.sum(yDy, -1, true), yDy)));
      return tf.mul(ys, tf.sub(tf.mul(dy, c), others));
    },
  };
});

/** log softmax over the last axis; the vector-Jacobian product is dy (1 - y) - y sum_{j != i} dy_j. Cost O(size). */
export const stableLogSoftmax: (x: tf.Tensor) => tf.Tensor = unary((x, save) => {
  save([x]);
  return {
    value: tf.logSoftmax(x),
    gradFunc: (dy, saved) => {
      const y = tf.softmax(saved[0]);
      const { c } = complement(saved[0], y);
      return tf.sub(tf.mul(dy, c), tf.mul(y, tf.sub(tf.sum(dy, -1, true), dy)));
    },
  };
});
