// Op translations against onnxruntime where ONNX semantics vary by opset or attribute (axes as attributes or inputs,
// Softmax's 2-D flattening before opset 13, Slice steps, ceil mode, dilations, auto_pad, 1-D conv, Gemm flags...),
// each in a micro model. Each model must also differentiate on the active backend (a trace eNTK with finite entries).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { validateAgainstOrt } from '../../../../src-main/node/onnx/import/ort-validation';
import { ModelBuilder, attr, type Dim } from '../../../../src-main/node/onnx/model-builder';
import { createRng, normalArray } from '../../../../src-main/core/random';
import { openFixture, probeInputs } from './helpers';

interface Case {
  readonly opset: number;
  /** Per-sample input shape; the batch dim is symbolic. */
  readonly input: readonly number[];
  /** Builds the graph from input 'x'; returns the output value (a Gemm readout keeps the model differentiable). */
  readonly build: (m: ModelBuilder) => string;
}

const w = (name: string, dims: number[]) => normalArray(createRng(1, name), dims.reduce((a, b) => a * b, 1), 0.5);

/** A trainable readout so that every case has parameters downstream of the op under test (C: opset 9 needs it). */
function head(m: ModelBuilder, v: string, features: number): string {
  const flat = m.op('Flatten', [v], { axis: attr.int(1) });
  const weight = m.initializer(m.fresh('head'), 'float32', [2, features], w('head', [2, features]));
  return m.op('Gemm', [flat, weight, m.initializer(m.fresh('head_bias'), 'float32', [2], [0.1, -0.1])], { transB: attr.int(1) });
}

const cases: Record<string, Case> = {
  'Squeeze/Unsqueeze with axes attributes (opset 11)': {
    opset: 11,
    input: [3, 1, 2],
    build: (m) => head(m, m.op('Unsqueeze', [m.op('Squeeze', ['x'], { axes: attr.ints([2]) })], { axes: attr.ints([-1]) }), 6),
  },
  'Softmax on a 3-D input flattens from axis 1 (opset 11)': {
    opset: 11,
    input: [2, 3],
    build: (m) => head(m, m.op('Softmax', [m.op('Mul', ['x', m.initializer('s', 'float32', [2, 3], w('s', [2, 3]))])], { axis: attr.int(1) }), 6),
  },
  'Softmax over a middle axis (opset 13)': {
    opset: 13,
    input: [2, 3],
    build: (m) => head(m, m.op('LogSoftmax', [m.op('Mul', ['x', m.initializer('s', 'float32', [2, 3], w('s', [2, 3]))])], { axis: attr.int(1) }), 6),
  },
  'Slice with attributes (opset 9)': {
    opset: 9,
    input: [5, 4],
    build: (m) => head(m, m.op('Slice', ['x'], { starts: attr.ints([1, -3]), ends: attr.ints([4, 1000]), axes: attr.ints([1, 2]) }), 9),
  },
  'Slice with steps 2 and -1 and an INT64_MAX end on data (opset 13)': {
    opset: 13,
    input: [6, 5],
    build: (m) => head(m, m.op('Slice', ['x', m.constI64([0, 4]), m.initializer('ends', 'int64', [2], BigInt64Array.of(9223372036854775807n, 0n)), m.constI64([1, 2]), m.constI64([2, -1])]), 12),
  },
  'Reshape with 0 and -1, then Transpose (opset 14)': {
    opset: 14,
    input: [2, 6],
    build: (m) => head(m, m.op('Transpose', [m.op('Reshape', ['x', m.constI64([0, 0, 3, -1])])], { perm: attr.ints([0, 3, 1, 2]) }), 12),
  },
  'MaxPool with pads, strides, dilations and ceil mode (opset 12)': {
    opset: 12,
    input: [2, 7, 7],
    build: (m) =>
      head(m, m.op('MaxPool', ['x'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), dilations: attr.ints([2, 1]), pads: attr.ints([1, 0, 0, 1]), ceil_mode: attr.int(1) }), 2 * 4 * 4),
  },
  'AveragePool counting pads, GlobalMaxPool (opset 13)': {
    opset: 13,
    input: [2, 5, 5],
    build: (m) => {
      const avg = m.op('AveragePool', ['x'], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(1) });
      return head(m, m.op('Add', [avg, m.op('GlobalMaxPool', ['x'])]), 50);
    },
  },
  'Conv 1-D with stride and pads; Conv 2-D with auto_pad SAME_UPPER (opset 13)': {
    opset: 13,
    input: [2, 9],
    build: (m) => {
      const c1 = m.op('Conv', ['x', m.initializer('k1', 'float32', [3, 2, 3], w('k1', [3, 2, 3])), m.initializer('b1', 'float32', [3], w('b1', [3]))], { strides: attr.ints([2]), pads: attr.ints([1, 1]) });
      const as2d = m.op('Unsqueeze', [c1, m.constI64([1])]);
      const c2 = m.op('Conv', [as2d, m.initializer('k2', 'float32', [2, 1, 2, 3], w('k2', [2, 1, 2, 3]))], { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) });
      return head(m, c2, 2 * 2 * 3);
    },
  },
  'Clip with attribute bounds (opset 9) and PRelu with a per-channel slope': {
    opset: 9,
    input: [3, 2, 2],
    build: (m) => {
      const clipped = m.op('Clip', ['x'], { min: attr.float(-0.5), max: attr.float(0.6) });
      return head(m, m.op('PRelu', [m.op('Mul', [clipped, m.constF32([3])]), m.initializer('slope', 'float32', [3, 1, 1], w('slope', [3, 1, 1]))]), 12);
    },
  },
  'Clip with only a min input (opset 13), HardSigmoid, Selu, Abs, Reciprocal': {
    opset: 13,
    input: [4],
    build: (m) => {
      const a = m.op('Clip', ['x', m.constF32([-0.2])]);
      const b = m.op('HardSigmoid', ['x'], { alpha: attr.float(0.3) });
      const c = m.op('Selu', [m.op('Abs', ['x'])]);
      const d = m.op('Reciprocal', [m.op('Add', [m.op('Exp', ['x']), m.constF32([1])])]);
      return head(m, m.op('Concat', [a, b, c, d], { axis: attr.int(1) }), 16);
    },
  },
  'Gemm with transA, alpha, beta and a broadcast C row (opset 13)': {
    opset: 13,
    input: [3],
    build: (m) => {
      const xt = m.op('Transpose', ['x']);
      const g = m.op('Gemm', [xt, m.initializer('a', 'float32', [3, 4], w('a', [3, 4])), m.initializer('c', 'float32', [1, 4], w('c', [1, 4]))], { transA: attr.int(1), alpha: attr.float(0.7), beta: attr.float(2) });
      return head(m, m.op('Tanh', [g]), 4);
    },
  },
  'batched MatMul, ReduceMean (axes attribute) and ReduceSum (axes input) at opset 13': {
    opset: 13,
    input: [3, 4],
    build: (m) => {
      const y = m.op('MatMul', ['x', m.initializer('wm', 'float32', [4, 5], w('wm', [4, 5]))]);
      const mean = m.op('ReduceMean', [y], { axes: attr.ints([1]), keepdims: attr.int(0) });
      const sum = m.op('ReduceSum', [m.op('Pow', [y, m.constF32([2])]), m.constI64([1])], { keepdims: attr.int(0) });
      return head(m, m.op('Sub', [mean, m.op('Sqrt', [sum])]), 5);
    },
  },
  'MatMul of a 2-D weight by a batched value (token mixing W x; opset 13)': {
    opset: 13,
    input: [2, 4, 3],
    build: (m) => head(m, m.op('Tanh', [m.op('MatMul', [m.initializer('wl', 'float32', [5, 4], w('wl', [5, 4])), 'x'])]), 30),
  },
  'MatMul of a batched value by a rank-3 weight broadcast over the batch (per-head weights; opset 13)': {
    opset: 13,
    input: [2, 4, 3],
    build: (m) => head(m, m.op('Tanh', [m.op('MatMul', ['x', m.initializer('wh', 'float32', [2, 3, 5], w('wh', [2, 3, 5]))])]), 40),
  },
  'ReduceMean with axes input (opset 18), Expand, ConstantOfShape, Cast, Gather on data': {
    opset: 18,
    input: [3, 4],
    build: (m) => {
      const mean = m.op('ReduceMean', ['x', m.constI64([2])]);
      const ones = m.op('ConstantOfShape', [m.constI64([1, 4])], { value: attr.tensor({ dims: [1], dataType: 1, floatData: [0.5] }) });
      const expanded = m.op('Expand', [mean, m.op('Cast', [m.constF32([1, 3, 4], [3])], { to: attr.int(7) })]);
      const picked = m.op('Gather', ['x', m.constI64([2, 0])], { axis: attr.int(1) });
      return head(m, m.op('Concat', [m.op('Mul', [expanded, ones]), picked], { axis: attr.int(1) }), 20);
    },
  },
  'Pad: a constant value with a negative crop, and reflect over chosen axes (opset 18)': {
    opset: 18,
    input: [2, 4, 4],
    build: (m) => {
      const a = m.op('Pad', ['x', m.constI64([0, 0, 1, -1, 0, 0, 0, 2]), m.constF32([0.5])]);
      const b = m.op('Pad', ['x', m.constI64([1, 2, 1, 0]), '', m.constI64([2, 3])], { mode: attr.string('reflect') });
      return head(m, m.op('Concat', [m.op('Flatten', [a]), m.op('Flatten', [b])], { axis: attr.int(1) }), 2 * 5 * 5 + 2 * 6 * 6);
    },
  },
  'variadic Sum, Mean, Max and Min with broadcasting (opset 13)': {
    opset: 13,
    input: [3, 2],
    build: (m) => {
      const bias = m.initializer('row', 'float32', [2], [0.3, -0.2]);
      const sum = m.op('Sum', ['x', bias, m.op('Tanh', ['x'])]);
      const mean = m.op('Mean', ['x', m.op('Sigmoid', ['x'])]);
      return head(m, m.op('Max', [m.op('Min', [sum, mean]), m.op('Neg', ['x'])]), 6);
    },
  },
  'BatchNormalization on a 2-D input after Gemm (opset 9)': {
    opset: 9,
    input: [3],
    build: (m) => {
      const g = m.op('Gemm', ['x', m.initializer('g', 'float32', [4, 3], w('g', [4, 3])), m.initializer('gb', 'float32', [4], w('gb', [4]))], { transB: attr.int(1) });
      const stats = (name: string, values: number[]) => m.initializer(name, 'float32', [4], values);
      const bn = m.op('BatchNormalization', [g, stats('bn.w', [1, 2, 0.5, 1]), stats('bn.b', [0, 0.1, 0, -0.1]), stats('bn.m', [0.1, 0, 0, 0.2]), stats('bn.v', [1, 0.5, 2, 1])]);
      return head(m, m.op('Elu', [bn], { alpha: attr.float(0.5) }), 4);
    },
  },
  'Split by sizes (opset 13) and into equal parts (opset 18 num_outputs), Tile (opset 18)': {
    opset: 18,
    input: [2, 6],
    build: (m) => {
      const [a, b] = ['sa', 'sb'];
      m.node('Split', ['x', m.constI64([2, 4])], [a, b], { axis: attr.int(2) });
      const [c, d] = ['sc', 'sd'];
      m.node('Split', [b], [c, d], { axis: attr.int(2), num_outputs: attr.int(2) });
      const tiled = m.op('Tile', [a, m.constI64([1, 2, 3])]);
      return head(m, m.op('Concat', [m.op('Flatten', [tiled]), m.op('Flatten', [m.op('Mul', [c, d])])], { axis: attr.int(1) }), 24 + 4);
    },
  },
  'Where with a data mask (Greater) and a constant mask (Equal), broadcasting (opset 13)': {
    opset: 13,
    input: [3, 4],
    build: (m) => {
      const scaled = m.op('Mul', ['x', m.initializer('ws', 'float32', [4], w('ws', [4]))]);
      const dataMask = m.op('Where', [m.op('Greater', ['x', m.constF32([0.1])]), scaled, m.op('Tanh', ['x'])]);
      const fixed = m.op('Equal', [m.constI64([0, 1, 0, 1]), m.constI64([1])]);
      return head(m, m.op('Where', [fixed, dataMask, m.constF32([-1])]), 12);
    },
  },
  'Einsum: batched product, attention scores, implicit output and an outer product (opset 12)': {
    opset: 12,
    input: [3, 4],
    build: (m) => {
      const bik = m.op('Einsum', ['x', m.initializer('ek', 'float32', [4, 5], w('ek', [4, 5]))], { equation: attr.string('bij,jk->bik') });
      const scores = m.op('Einsum', [bik, bik], { equation: attr.string('bid,bjd->bij') });
      const implicit = m.op('Einsum', ['x'], { equation: attr.string('bij') });
      const outer = m.op('Einsum', [m.op('ReduceSum', ['x'], { axes: attr.ints([2]), keepdims: attr.int(0) }), m.constF32([1, -1], [2])], { equation: attr.string('bi,j->bij') });
      return head(m, m.op('Concat', [m.op('Flatten', [scores]), m.op('Flatten', [implicit]), m.op('Flatten', [outer])], { axis: attr.int(1) }), 9 + 12 + 6);
    },
  },
  'attention as written out: MatMul chains with Transpose, Softmax inside, Expand of a learned token (opset 13)': {
    opset: 13,
    input: [4, 6],
    build: (m) => {
      const proj = (name: string) => m.op('MatMul', ['x', m.initializer(name, 'float32', [6, 6], w(name, [6, 6]))]);
      const [q, k, v] = [proj('wq'), proj('wk'), proj('wv')];
      const heads = (t: string) => m.op('Transpose', [m.op('Reshape', [t, m.constI64([0, 4, 2, 3])])], { perm: attr.ints([0, 2, 1, 3]) });
      const scores = m.op('Mul', [m.op('MatMul', [heads(q), m.op('Transpose', [heads(k)], { perm: attr.ints([0, 1, 3, 2]) })]), m.constF32([1 / Math.sqrt(3)])]);
      const context = m.op('MatMul', [m.op('Softmax', [scores], { axis: attr.int(-1) }), heads(v)]);
      const merged = m.op('Reshape', [m.op('Transpose', [context], { perm: attr.ints([0, 2, 1, 3]) }), m.constI64([0, 4, 6])]);
      const token = m.op('Expand', [m.initializer('tok', 'float32', [1, 1, 6], w('tok', [6])), m.op('Concat', [m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([1])]), m.constI64([1, 6])], { axis: attr.int(0) })]);
      return head(m, m.op('Concat', [token, merged], { axis: attr.int(1) }), 30);
    },
  },
  'Resize: nearest (asymmetric, floor) by scales, linear and nearest (half_pixel) to sizes (opset 13)': {
    opset: 13,
    input: [2, 3, 3],
    build: (m) => {
      const none = m.constF32([], [0]);
      const near = m.op('Resize', ['x', '', m.constF32([1, 1, 2, 2], [4])], { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') });
      const sizes = m.op('Concat', [m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([2])]), m.constI64([5, 4])], { axis: attr.int(0) });
      const lin = m.op('Resize', ['x', '', none, sizes], { mode: attr.string('linear') });
      const nearHalf = m.op('Resize', ['x', '', none, m.op('Concat', [m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([2])]), m.constI64([7, 5])], { axis: attr.int(0) })], { mode: attr.string('nearest') });
      return head(m, m.op('Concat', [m.op('Flatten', [near]), m.op('Flatten', [lin]), m.op('Flatten', [nearHalf])], { axis: attr.int(1) }), 72 + 40 + 70);
    },
  },
  'ConvTranspose 2-D (stride 2, pads, output_padding, dilation) and 1-D (opset 13)': {
    opset: 13,
    input: [2, 3, 3],
    build: (m) => {
      const up = m.op('ConvTranspose', ['x', m.initializer('tw', 'float32', [2, 3, 3, 2], w('tw', [2, 3, 3, 2])), m.initializer('tb', 'float32', [3], w('tb', [3]))], {
        strides: attr.ints([2, 2]),
        pads: attr.ints([1, 0, 0, 1]),
        output_padding: attr.ints([1, 0]),
        dilations: attr.ints([1, 2]),
      });
      const flat = m.op('Reshape', ['x', m.constI64([0, 2, 9])]);
      const up1 = m.op('ConvTranspose', [flat, m.initializer('tw1', 'float32', [2, 1, 3], w('tw1', [2, 1, 3]))], { strides: attr.ints([3]), pads: attr.ints([1, 2]) });
      return head(m, m.op('Concat', [m.op('Flatten', [up]), m.op('Flatten', [up1])], { axis: attr.int(1) }), 3 * 7 * 6 + 24);
    },
  },
  'GRU forward (linear_before_reset 0, bias, initial_h) and reverse, all outputs (opset 13)': {
    opset: 13,
    input: [4, 3],
    build: (m) => {
      const seqFirst = m.op('Transpose', ['x'], { perm: attr.ints([1, 0, 2]) });
      const h0 = m.op('Expand', [m.initializer('gh0', 'float32', [1, 1, 5], w('gh0', [5])), m.op('Concat', [m.constI64([1]), m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([1])]), m.constI64([5])], { axis: attr.int(0) })]);
      m.node('GRU', [seqFirst, m.initializer('gw', 'float32', [1, 15, 3], w('gw', [1, 15, 3])), m.initializer('gr', 'float32', [1, 15, 5], w('gr', [1, 15, 5])), m.initializer('gb', 'float32', [1, 30], w('gb', [1, 30])), '', h0], ['gy', 'gyh'], { hidden_size: attr.int(5) });
      m.node('GRU', [seqFirst, m.initializer('rw', 'float32', [1, 9, 3], w('rw', [1, 9, 3])), m.initializer('rr', 'float32', [1, 9, 3], w('rr', [1, 9, 3]))], ['', 'ryh'], { hidden_size: attr.int(3), direction: attr.string('reverse') });
      const ys = m.op('Transpose', [m.op('Squeeze', ['gy', m.constI64([1])])], { perm: attr.ints([1, 0, 2]) });
      const last = (v: string) => m.op('Squeeze', [v, m.constI64([0])]);
      return head(m, m.op('Concat', [m.op('Flatten', [ys]), last('gyh'), last('ryh')], { axis: attr.int(1) }), 20 + 5 + 3);
    },
  },
  'GRU bidirectional, linear_before_reset 1 (as PyTorch exports it; opset 14)': {
    opset: 14,
    input: [3, 2],
    build: (m) => {
      // onnxruntime's CPU GRU refuses layout 1, so the batch-first layout is not compared here.
      const seqFirst = m.op('Transpose', ['x'], { perm: attr.ints([1, 0, 2]) });
      m.node('GRU', [seqFirst, m.initializer('bw', 'float32', [2, 12, 2], w('bw', [2, 12, 2])), m.initializer('br', 'float32', [2, 12, 4], w('br', [2, 12, 4])), m.initializer('bb', 'float32', [2, 24], w('bb', [2, 24]))], ['by', 'byh'], {
        hidden_size: attr.int(4),
        direction: attr.string('bidirectional'),
        linear_before_reset: attr.int(1),
      });
      const y = m.op('Flatten', [m.op('Transpose', ['by'], { perm: attr.ints([2, 0, 1, 3]) })]);
      return head(m, m.op('Concat', [y, m.op('Flatten', [m.op('Transpose', ['byh'], { perm: attr.ints([1, 0, 2]) })])], { axis: attr.int(1) }), 24 + 8);
    },
  },
  'LSTM bidirectional with bias, initial_h and initial_c; LSTM forward without bias (opset 13)': {
    opset: 13,
    input: [3, 2],
    build: (m) => {
      const seqFirst = m.op('Transpose', ['x'], { perm: attr.ints([1, 0, 2]) });
      const batch = m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([1])]);
      const state = (name: string) => m.op('Expand', [m.initializer(name, 'float32', [2, 1, 3], w(name, [6])), m.op('Concat', [m.constI64([2]), batch, m.constI64([3])], { axis: attr.int(0) })]);
      m.node('LSTM', [seqFirst, m.initializer('lw', 'float32', [2, 12, 2], w('lw', [2, 12, 2])), m.initializer('lr', 'float32', [2, 12, 3], w('lr', [2, 12, 3])), m.initializer('lb', 'float32', [2, 24], w('lb', [2, 24])), '', state('lh0'), state('lc0')], ['ly', 'lyh', 'lyc'], {
        hidden_size: attr.int(3),
        direction: attr.string('bidirectional'),
      });
      m.node('LSTM', [seqFirst, m.initializer('fw', 'float32', [1, 8, 2], w('fw', [1, 8, 2])), m.initializer('fr', 'float32', [1, 8, 2], w('fr', [1, 8, 2]))], ['', 'fyh'], { hidden_size: attr.int(2) });
      const batchFirst = (v: string, perm: number[]) => m.op('Flatten', [m.op('Transpose', [v], { perm: attr.ints(perm) })]);
      return head(m, m.op('Concat', [batchFirst('ly', [2, 0, 1, 3]), batchFirst('lyc', [1, 0, 2]), batchFirst('fyh', [1, 0, 2])], { axis: attr.int(1) }), 18 + 6 + 2);
    },
  },
  'Sin and Cos of a learned projection (Fourier features), Softsign, Celu, ThresholdedRelu, HardSwish (opset 14)': {
    opset: 14,
    input: [4],
    build: (m) => {
      const p = m.op('MatMul', ['x', m.initializer('fw', 'float32', [4, 5], w('fw', [4, 5]))]);
      const f = m.op('Concat', [m.op('Sin', [p]), m.op('Cos', [p])], { axis: attr.int(1) });
      const scaled = (k: number) => m.op('Mul', [f, m.constF32([k])]);
      const parts = [
        m.op('Softsign', [scaled(2)]),
        m.op('Celu', [scaled(2)], { alpha: attr.float(0.7) }),
        m.op('ThresholdedRelu', [f], { alpha: attr.float(0.2) }),
        m.op('HardSwish', [scaled(4)]),
      ];
      return head(m, m.op('Sum', parts), 10);
    },
  },
  'Mish; ReduceL2 as F.normalize, ReduceMin, ReduceL1, ReduceSumSquare, ReduceLogSumExp with axes inputs (opset 18)': {
    opset: 18,
    input: [3, 4],
    build: (m) => {
      const x = m.op('Mish', [m.op('Mul', ['x', m.initializer('s', 'float32', [3, 4], w('s', [12]))])]);
      const norm = m.op('ReduceL2', [x, m.constI64([2])], { keepdims: attr.int(1) });
      const unit = m.op('Div', [x, m.op('Clip', [norm, m.constF32([1e-6])])]);
      const terms = [
        m.op('ReduceMin', [x, m.constI64([1])]),
        m.op('ReduceL1', [x, m.constI64([2])]),
        m.op('ReduceSumSquare', [x, m.constI64([1, 2])]),
        m.op('ReduceLogSumExp', [x, m.constI64([-1])]),
      ];
      return head(m, m.op('Sum', [unit, ...terms.map((t) => m.op('Mul', [t, m.constF32([0.3])]))]), 12);
    },
  },
  'Swish with alpha (opset 24) and RMSNormalization over the last two axes with a learned scale': {
    opset: 24,
    input: [3, 4],
    build: (m) => {
      const s = m.op('Swish', [m.op('Mul', ['x', m.initializer('s', 'float32', [3, 4], w('s', [12]))])], { alpha: attr.float(1.5) });
      const r = m.op('RMSNormalization', [s, m.initializer('g', 'float32', [3, 4], w('g', [12]))], { axis: attr.int(-2), epsilon: attr.float(1e-4) });
      return head(m, r, 12);
    },
  },
  'InstanceNormalization, then GroupNormalization with per-channel scale and bias (opset 21)': {
    opset: 21,
    input: [4, 3, 3],
    build: (m) => {
      const i = m.op('InstanceNormalization', ['x', m.initializer('is', 'float32', [4], w('is', [4])), m.initializer('ib', 'float32', [4], w('ib', [4]))], { epsilon: attr.float(1e-3) });
      const g = m.op('GroupNormalization', [i, m.initializer('gs', 'float32', [4], w('gs', [4])), m.initializer('gb', 'float32', [4], w('gb', [4]))], { num_groups: attr.int(2) });
      return head(m, g, 36);
    },
  },
  'GroupNormalization with scale and bias per group (opset 18)': {
    opset: 18,
    input: [6, 2, 2],
    build: (m) => head(m, m.op('GroupNormalization', ['x', m.initializer('gs', 'float32', [3], w('gs', [3])), m.initializer('gb', 'float32', [3], w('gb', [3]))], { num_groups: attr.int(3) }), 24),
  },
  'Attention on [B, S, H D] projections: grouped-query heads, a boolean mask (opset 23)': {
    opset: 23,
    input: [4, 6],
    build: (m) => {
      const project = (name: string, width: number) => m.op('MatMul', ['x', m.initializer(name, 'float32', [6, width], w(name, [6, width]))]);
      const mask = m.initializer('mask', 'bool', [4, 4], [1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1]);
      const y = m.op('Attention', [project('wq', 8), project('wk', 4), project('wv', 4), mask], { q_num_heads: attr.int(4), kv_num_heads: attr.int(2) });
      return head(m, y, 32);
    },
  },
  'Attention on [B, H, S, D]: causal, an additive mask, softcap and scale (opset 24)': {
    opset: 24,
    input: [4, 6],
    build: (m) => {
      const perHead = (name: string) => m.op('Transpose', [m.op('Reshape', [m.op('MatMul', ['x', m.initializer(name, 'float32', [6, 8], w(name, [6, 8]))]), m.constI64([0, 4, 2, 4])])], { perm: attr.ints([0, 2, 1, 3]) });
      const bias = m.initializer('bias', 'float32', [4, 4], w('bias', [16]));
      const y = m.op('Attention', [perHead('wq'), perHead('wk'), perHead('wv'), bias], { is_causal: attr.int(1), softcap: attr.float(2), scale: attr.float(0.4) });
      return head(m, y, 32);
    },
  },
  'RotaryEmbedding: interleaved on the leading channels of [B, S, H D], and in halves on [B, H, S, D] (opset 23)': {
    opset: 23,
    input: [4, 8],
    build: (m) => {
      const positions = m.op('Expand', [m.constI64([2, 3, 4, 5], [1, 4]), m.op('Concat', [m.op('Slice', [m.op('Shape', ['x']), m.constI64([0]), m.constI64([1])]), m.constI64([4])], { axis: attr.int(0) })]);
      const angles = (rows: number, half: number) => Array.from({ length: rows * half }, (_, i) => Math.floor(i / half) / 10 ** ((i % half) / half));
      const cache = (f: (a: number) => number, half: number) => m.constF32(angles(8, half).map(f), [8, half]);
      const q = m.op('MatMul', ['x', m.initializer('wq', 'float32', [8, 8], w('wq', [8, 8]))]);
      const partial = m.op('RotaryEmbedding', [q, cache(Math.cos, 2), cache(Math.sin, 2), positions], { num_heads: attr.int(2), rotary_embedding_dim: attr.int(4), interleaved: attr.int(1) });
      const perHead = m.op('Transpose', [m.op('Reshape', [q, m.constI64([0, 4, 2, 4])])], { perm: attr.ints([0, 2, 1, 3]) });
      const halves = m.op('RotaryEmbedding', [perHead, cache(Math.cos, 2), cache(Math.sin, 2), positions]);
      return head(m, m.op('Concat', [m.op('Flatten', [partial]), m.op('Flatten', [halves])], { axis: attr.int(1) }), 64);
    },
  },
  'Range from the sequence length, CumSum (exclusive, reverse), Trilu on data and on a -inf constant, Floor, Ceil, Round, Sign (opset 14)': {
    opset: 14,
    input: [4, 3],
    build: (m) => {
      const length = m.op('Squeeze', [m.op('Slice', [m.op('Shape', ['x']), m.constI64([1]), m.constI64([2])]), m.constI64([0])]);
      const positions = m.op('Cast', [m.op('Range', [m.constI64([0], []), length, m.constI64([1], [])])], { to: attr.int(1) });
      const x = m.op('Add', ['x', m.op('Unsqueeze', [m.op('Mul', [positions, m.constF32([0.1])]), m.constI64([1])])]);
      const sums = m.op('Add', [m.op('CumSum', [x, m.constI64([1], [])], { exclusive: attr.int(1) }), m.op('CumSum', [x, m.constI64([-1], [])], { reverse: attr.int(1) })]);
      const triangles = m.op('Add', [m.op('Trilu', [x, m.constI64([1], [])]), m.op('Trilu', [x, m.constI64([-1], [])], { upper: attr.int(0) })]);
      const rounded = ['Floor', 'Ceil', 'Round', 'Sign'].map((op) => m.op(op, [m.op('Mul', [x, m.constF32([2.5])])]));
      // Halves on a constant, folded on the host: Round goes to the even neighbour.
      rounded.push(m.op('Round', [m.constF32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -3.5, 0.49, -0.51, 4.5, 5.5], [4, 3])]));
      const causal = m.op('Trilu', [m.op('ConstantOfShape', [m.constI64([4, 4])], { value: attr.tensor({ dims: [1], dataType: 1, floatData: [-Infinity] }) }), m.constI64([1], [])]);
      const attention = m.op('Softmax', [m.op('Add', [m.op('MatMul', [x, m.op('Transpose', [x], { perm: attr.ints([0, 2, 1]) })]), causal])]);
      const features = m.op('Concat', [m.op('Flatten', [m.op('Sum', [sums, triangles, ...rounded])]), m.op('Flatten', [attention])], { axis: attr.int(1) });
      return head(m, features, 12 + 16);
    },
  },
  'DepthToSpace (DCR and CRD) and SpaceToDepth (opset 13)': {
    opset: 13,
    input: [8, 2, 3],
    build: (m) => {
      const x = m.op('Mul', ['x', m.initializer('s', 'float32', [8, 2, 3], w('s', [48]))]);
      const dcr = m.op('DepthToSpace', [x], { blocksize: attr.int(2) });
      const crd = m.op('DepthToSpace', [x], { blocksize: attr.int(2), mode: attr.string('CRD') });
      const back = m.op('SpaceToDepth', [m.op('Add', [dcr, crd])], { blocksize: attr.int(2) });
      return head(m, m.op('Concat', [m.op('Flatten', [dcr]), m.op('Flatten', [crd]), m.op('Flatten', [back])], { axis: attr.int(1) }), 3 * 48);
    },
  },
};

describe('op semantics against onnxruntime', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const m = new ModelBuilder({ opset: c.opset });
      m.input('x', 'float32', ['n', ...c.input] as Dim[]);
      m.output(c.build(m), 'float32');
      const model = await openFixture({ file: 'case.onnx', bytes: m.encode() });
      try {
        const n = 3;
        const x = probeInputs(n, c.input.reduce((a, b) => a * b, 1), 12);
        const report = await validateAgainstOrt(model, x, n);
        expect(report.maxRelError).toBeLessThan(1e-5);
        const ntk = await importedNtk(model, x, n, { kernel: 'trace', implementation: 'generic' });
        expect(ntk.trace.every(Number.isFinite)).toBe(true);
        expect(ntk.lambdaMax).toBeGreaterThan(0);
      } finally {
        model.dispose();
      }
    });
  }
});

describe('Clip with a computed bound', () => {
  it('a log-mel front end (batch fixed at 1): max(x, ReduceMax(x) - 3) matches onnxruntime and the bound carries gradient', async () => {
    const m = new ModelBuilder({ opset: 13 });
    m.input('x', 'float32', [1, 6]);
    const power = m.op('Pow', [m.op('MatMul', ['x', m.initializer('mw', 'float32', [6, 5], w('mw', [6, 5]))]), m.constF32([2])]);
    const logs = m.op('Log', [m.op('Add', [power, m.constF32([1e-3])])]);
    const floor = m.op('Sub', [m.op('ReduceMax', [logs], { keepdims: attr.int(0) }), m.constF32([3])]);
    m.output(m.op('Clip', [logs, floor, m.constF32([1.5])]), 'float32');
    const model = await openFixture({ file: 'clip.onnx', bytes: m.encode() });
    try {
      const x = probeInputs(3, 6, 12);
      expect((await validateAgainstOrt(model, x, 3)).maxRelError).toBeLessThan(1e-5);
      // An output held at the floor moves with the largest log-power, so its gradient is not zero.
      const [wm] = model.initialParams;
      const grads = tf.tidy(() => {
        const x0 = tf.tensor(Float32Array.from(x.subarray(0, 6)), [1, 6]);
        const w0 = tf.tensor(wm.values, [...wm.shape]);
        const y0 = model.apply({ mw: w0 }, x0).dataSync();
        const at = y0.indexOf(Math.min(...y0));
        expect(y0.filter((v) => v === y0[at]).length).toBeGreaterThan(1);
        const floored = tf.grad((p: tf.Tensor) => tf.sum(tf.slice(model.apply({ mw: p }, x0), [0, at], [1, 1])) as tf.Scalar)(w0);
        return tf.sum(tf.abs(floored)).dataSync()[0];
      });
      expect(grads).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });
});
