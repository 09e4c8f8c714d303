// GRU and LSTM (forward, reverse, bidirectional) unrolled over the sequence into differentiable tfjs ops, with W, R
// and B as parameters (their weight slots). Default activations only, no sequence_lens (every sequence full length),
// no peepholes or clip: anything else is refused by name. Gate orders as ONNX defines them: GRU z, r, h; LSTM i, o,
// f, c. layout 0 is [seq, batch, ...], layout 1 (opset 14) [batch, seq, ...]. Cost per step: one product with W
// and one with R per direction.
import * as tf from '@tensorflow/tfjs-core';
import { matmul2d } from './matmul-grad';
import { fail, required } from './op-values';
import type { OpContext, OpTable, OpTranslator, Value } from './op-types';

interface Shape {
  readonly seq: number;
  readonly batch: number;
  readonly hidden: number;
  readonly dirs: number;
  readonly layout: number;
}

/** Checks the unsupported options and reads the sizes; x is returned as [seq, batch, input]. */
function setup(ctx: OpContext, inputs: readonly (Value | undefined)[], gates: number, defaults: readonly string[]): { x: tf.Tensor3D; shape: Shape } {
  const direction = ctx.attrs.string('direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) fail(ctx, 'onnx/invalid-model', `direction "${direction}"`);
  const dirs = direction === 'bidirectional' ? 2 : 1;
  if (inputs[4] !== undefined) fail(ctx, 'onnx/unsupported-op', 'sequence_lens is given; only full-length sequences are supported (export without packed sequences)');
  if (ctx.attrs.has('clip')) fail(ctx, 'onnx/unsupported-op', 'clip is not supported');
  if (ctx.attrs.has('activations')) {
    const given = ctx.attrs.strings('activations');
    const want = Array.from({ length: dirs }, () => defaults).flat();
    if (given.length !== want.length || given.some((a, i) => a.toLowerCase() !== want[i].toLowerCase())) fail(ctx, 'onnx/unsupported-op', `activations [${given.join(', ')}]; only the defaults [${defaults.join(', ')}] are supported`);
  }
  const layout = ctx.attrs.int('layout', 0);
  let x = ctx.tensor(required(ctx, inputs, 0));
  if (x.rank !== 3) fail(ctx, 'onnx/shape-mismatch', `X has shape [${x.shape.join(', ')}], not [seq, batch, input]`);
  if (layout === 1) x = tf.transpose(x, [1, 0, 2]);
  const w = ctx.tensor(required(ctx, inputs, 1));
  const [wDirs, wRows, wCols] = w.shape as number[];
  const hidden = ctx.attrs.int('hidden_size', wRows / gates);
  if (w.rank !== 3 || wDirs !== dirs || wRows !== gates * hidden || wCols !== x.shape[2])
    fail(ctx, 'onnx/shape-mismatch', `W has shape [${w.shape.join(', ')}], not [${dirs}, ${gates * hidden}, ${x.shape[2]}]`);
  const [seq, batch] = x.shape as number[];
  return { x: x as tf.Tensor3D, shape: { seq, batch, hidden, dirs, layout } };
}

/** Direction d's slice of a [dirs, rows, cols] tensor as [rows, cols], transposed to [cols, rows] for x M^T. */
function transposedSlice(t: tf.Tensor, d: number): tf.Tensor2D {
  return tf.transpose(tf.reshape(tf.slice(t, [d, 0, 0], [1, t.shape[1] as number, t.shape[2] as number]), [t.shape[1] as number, t.shape[2] as number])) as tf.Tensor2D;
}

/** Gate g of a [batch, gates * hidden] product. */
function gate(t: tf.Tensor, g: number, hidden: number): tf.Tensor2D {
  return tf.slice(t, [0, g * hidden], [t.shape[0], hidden]) as tf.Tensor2D;
}

/** The initial state of direction d, [batch, hidden] (zeros when the input is omitted). */
function initial(ctx: OpContext, value: Value | undefined, d: number, shape: Shape, what: string): tf.Tensor2D {
  if (value === undefined) return tf.zeros([shape.batch, shape.hidden]);
  let t = ctx.tensor(value);
  if (shape.layout === 1) t = tf.transpose(t, [1, 0, 2]);
  if (t.rank !== 3 || t.shape[0] !== shape.dirs || t.shape[1] !== shape.batch || t.shape[2] !== shape.hidden)
    fail(ctx, 'onnx/shape-mismatch', `${what} has shape [${t.shape.join(', ')}], not [${shape.dirs}, ${shape.batch}, ${shape.hidden}]`);
  return tf.reshape(tf.slice(t, [d, 0, 0], [1, shape.batch, shape.hidden]), [shape.batch, shape.hidden]) as tf.Tensor2D;
}

/** Y [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden] (1) and the last states per direction. */
function outputs(perDir: tf.Tensor2D[][], lasts: tf.Tensor2D[][], shape: Shape): tf.Tensor[] {
  const y = tf.stack(perDir.map((states) => tf.stack(states)), 1);
  const finals = lasts.map((per) => tf.stack(per));
  return shape.layout === 1 ? [tf.transpose(y, [2, 0, 1, 3]), ...finals.map((f) => tf.transpose(f, [1, 0, 2]))] : [y, ...finals];
}

const gru: OpTranslator = {
  run(ctx, inputs) {
    const { x, shape } = setup(ctx, inputs, 3, ['Sigmoid', 'Tanh']);
    const { hidden } = shape;
    const w = ctx.tensor(required(ctx, inputs, 1));
    const r = ctx.tensor(required(ctx, inputs, 2));
    const b = inputs[3] === undefined ? undefined : ctx.tensor(inputs[3]);
    const beforeReset = ctx.attrs.int('linear_before_reset', 0) !== 0;
    const direction = ctx.attrs.string('direction', 'forward');
    const states: tf.Tensor2D[][] = [];
    const lasts: tf.Tensor2D[][] = [[]];
    for (let d = 0; d < shape.dirs; d++) {
      const wT = transposedSlice(w, d);
      const rT = transposedSlice(r, d);
      const bias = b && tf.reshape(tf.slice(b, [d, 0], [1, 6 * hidden]), [6 * hidden]);
      const wb = bias ? tf.slice(bias, 0, 3 * hidden) : undefined;
      const rb = bias ? tf.slice(bias, 3 * hidden, 3 * hidden) : undefined;
      let h = initial(ctx, inputs[5], d, shape, 'initial_h');
      const out: tf.Tensor2D[] = new Array<tf.Tensor2D>(shape.seq);
      const reverse = direction === 'reverse' || d === 1;
      for (let i = 0; i < shape.seq; i++) {
        const t = reverse ? shape.seq - 1 - i : i;
        const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, shape.batch, x.shape[2]]), [shape.batch, x.shape[2]]) as tf.Tensor2D;
        const xw = wb ? tf.add(matmul2d(xt, wT), wb) : matmul2d(xt, wT);
        const hr = rb ? tf.add(matmul2d(h, rT), rb) : matmul2d(h, rT);
        const z = tf.sigmoid(tf.add(gate(xw, 0, hidden), gate(hr, 0, hidden)));
        const reset = tf.sigmoid(tf.add(gate(xw, 1, hidden), gate(hr, 1, hidden)));
        let candidate: tf.Tensor;
        if (beforeReset) candidate = tf.tanh(tf.add(gate(xw, 2, hidden), tf.mul(reset, gate(hr, 2, hidden))));
        else {
          const rh = matmul2d(tf.mul(reset, h) as tf.Tensor2D, tf.slice(rT, [0, 2 * hidden], [hidden, hidden]));
          candidate = tf.tanh(tf.add(gate(xw, 2, hidden), rb ? tf.add(rh, tf.slice(rb, 2 * hidden, hidden)) : rh));
        }
        h = tf.add(tf.mul(tf.sub(1, z), candidate), tf.mul(z, h)) as tf.Tensor2D;
        out[t] = h;
      }
      states.push(out);
      lasts[0].push(h);
    }
    return outputs(states, lasts, shape);
  },
  paramSlots: [1, 2, 3],
};

const lstm: OpTranslator = {
  run(ctx, inputs) {
    if (inputs[7] !== undefined) fail(ctx, 'onnx/unsupported-op', 'peephole weights (P) are not supported');
    if (ctx.attrs.int('input_forget', 0) !== 0) fail(ctx, 'onnx/unsupported-op', 'input_forget = 1 is not supported');
    const { x, shape } = setup(ctx, inputs, 4, ['Sigmoid', 'Tanh', 'Tanh']);
    const { hidden } = shape;
    const w = ctx.tensor(required(ctx, inputs, 1));
    const r = ctx.tensor(required(ctx, inputs, 2));
    const b = inputs[3] === undefined ? undefined : ctx.tensor(inputs[3]);
    const direction = ctx.attrs.string('direction', 'forward');
    const states: tf.Tensor2D[][] = [];
    const lasts: tf.Tensor2D[][] = [[], []];
    for (let d = 0; d < shape.dirs; d++) {
      const wT = transposedSlice(w, d);
      const rT = transposedSlice(r, d);
      const bias = b && tf.reshape(tf.slice(b, [d, 0], [1, 8 * hidden]), [8 * hidden]);
      const sumBias = bias ? tf.add(tf.slice(bias, 0, 4 * hidden), tf.slice(bias, 4 * hidden, 4 * hidden)) : undefined;
      let h = initial(ctx, inputs[5], d, shape, 'initial_h');
      let c = initial(ctx, inputs[6], d, shape, 'initial_c');
      const out: tf.Tensor2D[] = new Array<tf.Tensor2D>(shape.seq);
      const reverse = direction === 'reverse' || d === 1;
      for (let i = 0; i < shape.seq; i++) {
        const t = reverse ? shape.seq - 1 - i : i;
        const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, shape.batch, x.shape[2]]), [shape.batch, x.shape[2]]) as tf.Tensor2D;
        let pre = tf.add(matmul2d(xt, wT), matmul2d(h, rT));
        if (sumBias) pre = tf.add(pre, sumBias);
        const input = tf.sigmoid(gate(pre, 0, hidden));
        const output = tf.sigmoid(gate(pre, 1, hidden));
        const forget = tf.sigmoid(gate(pre, 2, hidden));
        c = tf.add(tf.mul(forget, c), tf.mul(input, tf.tanh(gate(pre, 3, hidden)))) as tf.Tensor2D;
        h = tf.mul(output, tf.tanh(c)) as tf.Tensor2D;
        out[t] = h;
      }
      states.push(out);
      lasts[0].push(h);
      lasts[1].push(c);
    }
    return outputs(states, lasts, shape);
  },
  paramSlots: [1, 2, 3],
};

export const recurrentOps: OpTable = { GRU: gru, LSTM: lstm };
