// Recognises an imported graph whose every parameter sits in a linear slot (Conv W and B, Gemm/MatMul weights and
// biases, a MatMul's 2-D right operand over any leading axes (per-token layers) or 3-D per-head one, bias Add/Sub,
// scale Mul, BatchNorm, LayerNormalization, InstanceNormalization and GroupNormalization scale and B, RMSNormalization
// scale, PRelu slope) and exposes it to core's layer-wise structured eNTK: taps on those layers' outputs, captures of
// their inputs or of what a scale multiplies (the normalised input of a BatchNorm, LayerNorm, InstanceNorm, GroupNorm
// or RMSNorm, PRelu's min(x, 0)). A parameter elsewhere (a MatMul's left operand, a weight of rank > 3) is an
// obstacle: the generic kernel runs. Every other op (pooling, activations, reshapes, residual Adds, concatenations) is
// differentiated by backward steps (cotangent-program.ts) when each has one (Relu, LeakyRelu, PRelu, every elementwise
// activation through its derivative (ops/activation-derivatives.ts), Clip with constant bounds, MaxPool, AveragePool,
// GlobalAveragePool, reshapes, Transpose of the per-sample axes, Add, Concat, Mul by a constant or a parameter or of
// two values of one shape, BatchNorm, LayerNorm, InstanceNorm, Conv, Gemm, MatMul), else by tfjs.
import * as tf from '@tensorflow/tfjs-core';
import { capturedBy, type BackStep, type StepOperand } from '../../../core/ntk/cotangent-program';
import type { ConvWindow } from '../../../core/ntk/im2col';
import type { LayerwiseGraph, LinearLayer } from '../../../core/ntk/layerwise-ntk';
import { AttrReader } from './attributes';
import { neededNodes, type ValueHook } from './graph-program';
import type { ImportedModel } from './imported-model';
import type { HostTensor, IrGraph, IrNode } from './ir';
import { activationDerivative } from './ops/activation-derivatives';
import { negativePart } from './ops/activations';
import { groupNormalized, layerNormalized, rmsNormalized } from './ops/normalization';
import { translatorFor } from './ops/op-registry';
import type { OpContext } from './ops/op-types';
import { divisors } from './ops/pooling';
import { windowGeometry } from './ops/window-geometry';
import { readKey, selectParams } from './param-selection';

/** What a capture holds: a value of the graph, or what a scale slot multiplies, computed from that value. */
interface Capture {
  readonly value: string;
  readonly derived?: Derived;
}

type Derived =
  /** BatchNorm: (x - mean) scale per channel, the running statistics folded into mean and scale. */
  | { readonly kind: 'batch-norm'; readonly mean: Float32Array; readonly scale: Float32Array }
  /**
   * LayerNormalization: (x - mean) / sqrt(var + epsilon) with each sample's own statistics over axes [axis, rank);
   * InstanceNormalization is the case axis = 2.
   */
  | { readonly kind: 'layer-norm'; readonly axis: number; readonly epsilon: number }
  /** RMSNormalization: x / sqrt(mean(x^2) + epsilon) over axes [axis, rank). */
  | { readonly kind: 'rms-norm'; readonly axis: number; readonly epsilon: number }
  /** GroupNormalization: the layer-norm of each sample's runs of C / groups channels. */
  | { readonly kind: 'group-norm'; readonly groups: number; readonly epsilon: number }
  /** PRelu: min(x, 0). */
  | { readonly kind: 'negative-part' };

export type LayerwiseMatch = { readonly ok: true; readonly graph: LayerwiseGraph } | { readonly ok: false; readonly obstacle: string };

function hostContext(node: IrNode, opset: number): OpContext {
  return {
    node,
    attrs: new AttrReader(node),
    opset,
    tensor: () => {
      throw new Error('host only');
    },
  };
}

function convWindow(node: IrNode, opset: number, kernel: readonly [number, number]): (spatial: readonly [number, number]) => ConvWindow {
  return (spatial) => {
    const g = windowGeometry(hostContext(node, opset), spatial, kernel);
    return { kernel, strides: [g.strides[0], g.strides[1]], dilations: [g.dilations[0], g.dilations[1]], begin: [g.begin[0], g.begin[1]], output: [g.output[0], g.output[1]] };
  };
}

/**
 * The constant behind a value: an initializer or a Constant node's value, or what Identity nodes pass on of one
 * (PyTorch exports a BatchNorm's running statistics that way, and GroupNorm's unit scale as Constant nodes).
 * Undefined for a computed value.
 */
function constantBehind(graph: IrGraph): (name: string) => HostTensor | undefined {
  const identities = new Map(graph.nodes.filter((node) => node.opType === 'Identity').map((node) => [node.outputs[0], node.inputs[0]]));
  const constants = new Map(graph.nodes.filter((node) => node.opType === 'Constant').map((node) => [node.outputs[0], node]));
  const constantValue = (node: IrNode | undefined): HostTensor | undefined => {
    if (!node) return undefined;
    try {
      return translatorFor('Constant', '')?.host?.(hostContext(node, graph.opset), [])[0];
    } catch {
      // A sparse or string constant: not a number any step can use.
      return undefined;
    }
  };
  return (name) => {
    let value: string | undefined = name;
    for (let hops = 0; value !== undefined && hops <= identities.size; hops++) {
      const t = graph.initializers.get(value) ?? constantValue(constants.get(value));
      if (t) return t;
      value = identities.get(value);
    }
    return undefined;
  };
}

/** The layer-wise view of `model`, or why it has none (the generic kernel then applies). */
export function matchLayerwise(model: ImportedModel): LayerwiseMatch {
  const { graph } = model;
  const params = new Map(model.params.map((p) => [p.name, p.shape]));
  const constant = constantBehind(graph);
  const constantReads = selectParams(graph, model.summary.frozen).constantReads;
  const taps: string[] = [];
  const captures: Capture[] = [];
  const tap = (value: string) => (taps.includes(value) ? taps.indexOf(value) : taps.push(value) - 1);
  const capture = (c: Capture) => captures.push(c) - 1;
  const layers: LinearLayer[] = [];
  const perHead: { node: IrNode; slot: number; heads: number; inDim: number }[] = [];
  const refuse = (node: IrNode, slot: number, why = ''): LayerwiseMatch => ({ ok: false, obstacle: `${node.opType} node ${node.name} reads parameter ${node.inputs[slot]} in input ${slot}${why}` });
  const attrs = (node: IrNode) => new AttrReader(node);
  for (const node of neededNodes(graph, model.summary.outputName)) {
    for (const [slot, name] of node.inputs.entries()) {
      if (!params.has(name) || constantReads.has(readKey(node, slot))) continue;
      const out = node.outputs[0];
      const shape = params.get(name) as readonly number[];
      const other = node.inputs[1 - slot];
      switch (node.opType) {
        case 'Conv':
          if (slot === 2) layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: 1, perChannel: true });
          else if (slot === 1 && shape.length === 4)
            layers.push({ kind: 'conv', weight: name, tap: tap(out), input: capture({ value: node.inputs[0] }), groups: attrs(node).int('group', 1), window: convWindow(node, graph.opset, [shape[2], shape[3]]) });
          else return refuse(node, slot, ' (only 2-D convolutions)');
          break;
        case 'Gemm':
          if (attrs(node).int('transA', 0) !== 0) return refuse(node, slot, ' (transA)');
          if (slot === 1) layers.push({ kind: 'dense', weight: name, tap: tap(out), input: capture({ value: node.inputs[0] }), alpha: attrs(node).float('alpha', 1) });
          else if (slot === 2) layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: attrs(node).float('beta', 1) });
          else return refuse(node, slot);
          break;
        case 'MatMul':
          // x [n, ..., d] W [d, m] is a dense layer at every position; W x (mixing rows by the parameter) or a batched
          // weight is no linear slot of the structured kernel.
          if (slot !== 1) return refuse(node, slot, ' (the parameter is the left operand)');
          if (shape.length === 3) {
            // Per-head weights [H, d, m]: each sample's input must be [H, T, d] (head h's tokens through W[h]).
            perHead.push({ node, slot, heads: shape[0], inDim: shape[1] });
            layers.push({ kind: 'dense', weight: name, tap: tap(out), input: capture({ value: node.inputs[0] }), alpha: 1, heads: shape[0] });
            break;
          }
          if (shape.length !== 2) return refuse(node, slot, ` (a weight of rank ${shape.length}; only 2-D weights and per-head 3-D ones)`);
          layers.push({ kind: 'dense', weight: name, tap: tap(out), input: capture({ value: node.inputs[0] }), alpha: 1 });
          break;
        case 'Add':
        case 'Sub':
          layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: node.opType === 'Sub' && slot === 1 ? -1 : 1 });
          break;
        case 'Mul':
          if (params.has(other) || graph.initializers.has(other)) return refuse(node, slot, ' (a scale that is not a computed value)');
          layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: other }) } });
          break;
        case 'BatchNormalization': {
          if (slot === 2) {
            layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: 1, perChannel: true });
            break;
          }
          const mean = constant(node.inputs[3]);
          const variance = constant(node.inputs[4]);
          if (slot !== 1 || !mean || !variance) return refuse(node, slot, ' (statistics that are not initializers)');
          const eps = attrs(node).float('epsilon', 1e-5);
          const derived: Derived = { kind: 'batch-norm', mean: Float32Array.from(mean.data), scale: Float32Array.from(variance.data, (v) => 1 / Math.sqrt(v + eps)) };
          layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: node.inputs[0], derived }) }, perChannel: true });
          break;
        }
        case 'LayerNormalization': {
          // Scale and B have the normalised trailing dims' shape: numpy broadcasting puts them there.
          const axis = attrs(node).int('axis', -1);
          // Axis 0 would mix samples (the importer refuses such graphs already; this keeps the matcher's rows per sample).
          if (axis === 0) return refuse(node, slot, ' (axis 0 normalises across the batch)');
          if (slot === 2) layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: 1 });
          else if (slot === 1) {
            const derived: Derived = { kind: 'layer-norm', axis, epsilon: attrs(node).float('epsilon', 1e-5) };
            layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: node.inputs[0], derived }) } });
          } else return refuse(node, slot);
          break;
        }
        case 'InstanceNormalization':
        case 'GroupNormalization': {
          // Scale and B are per channel (GroupNormalization before opset 21: per group, which no slot here takes).
          const epsilon = attrs(node).float('epsilon', 1e-5);
          const grouped = node.opType === 'GroupNormalization';
          if (grouped && graph.opset < 21) return refuse(node, slot, ' (scale and bias per group, as opsets 18-20 define them)');
          if (slot === 2) layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: 1, perChannel: true });
          else if (slot === 1) {
            const derived: Derived = grouped ? { kind: 'group-norm', groups: attrs(node).int('num_groups', 1), epsilon } : { kind: 'layer-norm', axis: 2, epsilon };
            layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: node.inputs[0], derived }) }, perChannel: true });
          } else return refuse(node, slot);
          break;
        }
        case 'RMSNormalization': {
          const axis = attrs(node).int('axis', -1);
          if (slot !== 1 || axis === 0) return refuse(node, slot, axis === 0 ? ' (axis 0 normalises across the batch)' : '');
          const derived: Derived = { kind: 'rms-norm', axis, epsilon: attrs(node).float('epsilon', 1e-5) };
          layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: node.inputs[0], derived }) } });
          break;
        }
        case 'PRelu':
          if (slot !== 1) return refuse(node, slot);
          layers.push({ kind: 'broadcast', param: name, tap: tap(out), factor: { capture: capture({ value: node.inputs[0], derived: { kind: 'negative-part' } }) } });
          break;
        default:
          return refuse(node, slot);
      }
    }
  }
  if (perHead.length > 0) {
    const shapes = probeValueShapes(model, perHead.map((p) => p.node.inputs[0]));
    for (const { node, slot, heads, inDim } of perHead) {
      const x = shapes.get(node.inputs[0]) ?? [];
      if (x.length !== 3 || x[0] !== heads || x[2] !== inDim)
        return refuse(node, slot, ` (a per-head weight [${heads}, ${inDim}, m] on an input of per-sample shape [${x.join(', ')}], not [${heads}, T, ${inDim}])`);
    }
  }
  const dynamic = dynamicValues(model, params);
  const folded = captures.find((c) => !dynamic.has(c.value));
  if (folded) return { ok: false, obstacle: `layer input ${folded.value} depends on neither the model input nor a parameter (a bound input or a constant), so it is computed once on the host` };
  const covered = new Set(layers.map((l) => (l.kind === 'broadcast' ? l.param : l.weight)));
  const hidden = model.params.find((p) => !covered.has(p.name));
  if (hidden) return { ok: false, obstacle: `parameter ${hidden.name} is read inside a subgraph or through a view op` };
  const steps = backwardSteps(model, params);
  if (!steps) return { ok: true, graph: { layers, applyTapped: tappedRunner(model, taps, captures) } };
  for (const step of steps) for (const v of capturedBy(step)) if (!captures.some((c) => c.value === v && !c.derived)) capture({ value: v });
  // A derived capture is named apart from every graph value (and from another derived from the same value).
  const names = captures.map((c, i) => (c.derived ? `${c.value}\u0000${c.derived.kind}\u0000${i}` : c.value));
  return { ok: true, graph: { layers, applyTapped: tappedRunner(model, taps, captures), backward: { steps, output: model.summary.outputName, captures: names, taps } } };
}

/** The per-sample shapes of `names` in one forward of zero samples at the initial parameters. */
function probeValueShapes(model: ImportedModel, names: readonly string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  tf.tidy(() => {
    const params = Object.fromEntries(model.initialParams.map((p) => [p.name, tf.tensor(p.values, [...p.shape])]));
    const batch = model.summary.batch.kind === 'fixed' ? model.summary.batch.size : 1;
    model.applyHooked(params, tf.zeros([batch, ...model.inputShape]), (name, value) => {
      if (names.includes(name)) shapes.set(name, value.shape.slice(1));
      return value;
    });
  });
  return shapes;
}

/** Values computed from the model input or a parameter: the ones a run passes through its value hook as tensors. */
function dynamicValues(model: ImportedModel, params: ReadonlyMap<string, readonly number[]>): Set<string> {
  const dynamic = new Set([model.summary.inputName, ...params.keys()]);
  for (const node of neededNodes(model.graph, model.summary.outputName))
    if (node.inputs.some((v) => dynamic.has(v))) for (const v of node.outputs) if (v !== '') dynamic.add(v);
  return dynamic;
}

/** Backward steps for every node between the input and the output, or undefined when one has none (tfjs then). */
function backwardSteps(model: ImportedModel, params: ReadonlyMap<string, readonly number[]>): BackStep[] | undefined {
  const { graph } = model;
  const live = new Set([model.summary.inputName]);
  const steps: BackStep[] = [];
  const constant = constantBehind(graph);
  // A parameter is read at the kernel's parameters, never as the file's number.
  const scalar = (name: string) => {
    const t = params.has(name) ? undefined : constant(name);
    return t && t.data.length === 1 ? Number(t.data[0]) : undefined;
  };
  const operand = (name: string): StepOperand | undefined => {
    const shape = params.get(name);
    if (shape) return { shape, param: name };
    const t = constant(name);
    return t && { shape: t.shape, values: Float32Array.from(t.data) };
  };
  // Per-sample shapes of the values a product or a concatenation reads, from one probe forward, made when first asked.
  let probed: Map<string, number[]> | undefined;
  const shapes = () =>
    (probed ??= probeValueShapes(model, neededNodes(graph, model.summary.outputName).filter((n) => n.opType === 'Mul' || n.opType === 'Concat').flatMap((n) => n.inputs)));
  for (const node of neededNodes(graph, model.summary.outputName)) {
    const inputs = node.inputs.map((v) => live.has(v));
    // Shape and Size read a value's metadata only: nothing flows back through them.
    if (!inputs.some(Boolean) || node.opType === 'Shape' || node.opType === 'Size') continue;
    const [x, y] = [node.inputs[0], node.outputs[0]];
    live.add(y);
    const a = new AttrReader(node);
    const onlyFirst = inputs.every((l, i) => l === (i === 0));
    let step: BackStep | undefined;
    switch (node.opType) {
      case 'Conv': {
        const w = params.get(node.inputs[1]);
        if (onlyFirst && w?.length === 4) step = { op: 'conv', x, y, weight: node.inputs[1], groups: a.int('group', 1), window: convWindow(node, graph.opset, [w[2], w[3]]) };
        break;
      }
      case 'Gemm':
        if (onlyFirst && a.int('transA', 0) === 0 && params.get(node.inputs[1])?.length === 2) step = { op: 'dense', x, y, weight: node.inputs[1], transposed: a.int('transB', 0) === 0, alpha: a.float('alpha', 1) };
        break;
      case 'MatMul': {
        // A 3-D weight is per head (the matcher has checked its input is [H, T, d] per sample).
        const w = params.get(node.inputs[1]);
        if (onlyFirst && w?.length === 2) step = { op: 'dense', x, y, weight: node.inputs[1], transposed: true, alpha: 1 };
        else if (onlyFirst && w?.length === 3) step = { op: 'dense', x, y, weight: node.inputs[1], transposed: true, alpha: 1, heads: w[0] };
        break;
      }
      case 'Relu':
      case 'LeakyRelu':
        step = { op: 'leaky', x, y, alpha: node.opType === 'Relu' ? 0 : a.float('alpha', 0.01) };
        break;
      case 'Clip': {
        // Constant bounds (attributes before opset 11, initializer inputs after; an omitted one is open).
        const bound = (index: number, attr: string, open: number) => (graph.opset < 11 ? a.float(attr, open) : node.inputs[index] ? scalar(node.inputs[index]) : open);
        const [lo, hi] = [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
        const derivative = onlyFirst && lo !== undefined && hi !== undefined ? activationDerivative('Clip', a, [lo, hi]) : undefined;
        if (derivative) step = { op: 'pointwise', x, y, derivative };
        break;
      }
      case 'PRelu': {
        const slope = operand(node.inputs[1]);
        if (onlyFirst && slope) step = { op: 'prelu', x, y, slope };
        break;
      }
      case 'LayerNormalization': {
        const scale = operand(node.inputs[1]);
        const axis = a.int('axis', -1);
        if (onlyFirst && scale && axis !== 0) step = { op: 'layer-norm', x, y, axis, epsilon: a.float('epsilon', 1e-5), scale };
        break;
      }
      case 'MaxPool': {
        const kernel = a.ints('kernel_shape');
        if (kernel.length === 2 && node.outputs.length === 1) step = { op: 'maxpool', x, y, window: convWindow(node, graph.opset, [kernel[0], kernel[1]]) };
        break;
      }
      case 'AveragePool': {
        const kernel = a.ints('kernel_shape');
        const includePad = a.int('count_include_pad', 0) !== 0;
        if (kernel.length === 2 && a.ints('dilations', [1, 1]).every((d) => d === 1))
          step = { op: 'avgpool', x, y, window: convWindow(node, graph.opset, [kernel[0], kernel[1]]), divisors: (spatial) => divisors(windowGeometry(hostContext(node, graph.opset), spatial, kernel), spatial, includePad) };
        break;
      }
      case 'GlobalAveragePool':
        // One window over the whole plane (the step flattens other spatial ranks to one row).
        step = { op: 'avgpool', x, y, window: ([h, w]) => ({ kernel: [h, w], strides: [1, 1], dilations: [1, 1], begin: [0, 0], output: [1, 1] }), divisors: ([h, w]) => Float32Array.of(h * w) };
        break;
      case 'Concat': {
        const parts = node.inputs.map((v) => shapes().get(v));
        const rank = parts[0]?.length ?? 0;
        const axis = a.int('axis', 0);
        const at = (axis < 0 ? axis + rank + 1 : axis) - 1;
        if (at >= 0 && at < rank && parts.every((p) => p?.length === rank)) {
          const sizes = parts.map((p) => (p as number[])[at]);
          const inner = (parts[0] as number[]).slice(at + 1).reduce((t, d) => t * d, 1);
          step = { op: 'concat', inputs: node.inputs.map((v, i) => (inputs[i] ? v : '')), y, sizes, inner };
        }
        break;
      }
      case 'Transpose': {
        const perm = a.ints('perm', []);
        // Only a permutation of the per-sample axes: the batch stays first (no perm reverses every axis).
        if (onlyFirst && perm.length > 1 && perm[0] === 0) step = { op: 'transpose', x, y, perm: perm.slice(1).map((p) => p - 1) };
        break;
      }
      case 'Reshape':
      case 'Flatten':
      case 'Identity':
      case 'Dropout':
      case 'Squeeze':
      case 'Unsqueeze':
        if (onlyFirst) step = { op: 'same', x, y, factor: 1 };
        break;
      case 'Add':
      case 'Sub':
        if (inputs[0] && inputs[1]) step = node.opType === 'Add' ? { op: 'add', a: node.inputs[0], b: node.inputs[1], y } : undefined;
        else step = { op: 'same', x: inputs[0] ? x : node.inputs[1], y, factor: node.opType === 'Sub' && inputs[1] ? -1 : 1 };
        break;
      case 'Mul': {
        if (inputs[0] && inputs[1]) {
          // Two computed factors of one shape (x * sigmoid(x), gates); a broadcasting product has no step.
          const [sa, sb] = [shapes().get(node.inputs[0]), shapes().get(node.inputs[1])];
          if (sa && sb && sa.length === sb.length && sa.every((d, i) => d === sb[i])) step = { op: 'product', a: node.inputs[0], b: node.inputs[1], y };
          break;
        }
        const [live, other] = inputs[0] ? [x, node.inputs[1]] : [node.inputs[1], x];
        const c = scalar(other);
        const factor = c === undefined ? operand(other) : undefined;
        if (c !== undefined) step = { op: 'same', x: live, y, factor: c };
        else if (factor) step = { op: 'scale', x: live, y, factor };
        break;
      }
      case 'InstanceNormalization': {
        const scale = operand(node.inputs[1]);
        if (onlyFirst && scale) step = { op: 'layer-norm', x, y, axis: 2, epsilon: a.float('epsilon', 1e-5), scale: { ...scale, perChannel: true } };
        break;
      }
      case 'BatchNormalization': {
        const [scale, , mean, variance] = node.inputs.slice(1).map(constant);
        const eps = a.float('epsilon', 1e-5);
        if (onlyFirst && scale && mean && variance) {
          const isParam = params.has(node.inputs[1]);
          const perChannel = Float32Array.from(variance.data, (v, c) => (isParam ? 1 : Number(scale.data[c])) / Math.sqrt(Number(v) + eps));
          step = { op: 'channel-scale', x, y, perChannel, ...(isParam ? { param: node.inputs[1] } : {}) };
        }
        break;
      }
      default: {
        const derivative = node.inputs.length === 1 ? activationDerivative(node.opType, a) : undefined;
        if (derivative) step = { op: 'pointwise', x, y, derivative };
        break;
      }
    }
    if (!step) return undefined;
    steps.push(step);
  }
  return steps;
}

function derive(c: Capture, v: tf.Tensor): tf.Tensor {
  const d = c.derived;
  if (!d) return v;
  if (d.kind === 'negative-part') return negativePart(v);
  if (d.kind === 'layer-norm') return layerNormalized(v, d.axis < 0 ? d.axis + v.rank : d.axis, d.epsilon);
  if (d.kind === 'rms-norm') return rmsNormalized(v, d.axis < 0 ? d.axis + v.rank : d.axis, d.epsilon);
  if (d.kind === 'group-norm') return groupNormalized(v, d.groups, d.epsilon);
  const shape: number[] = [1, v.shape[1] as number, ...new Array<number>(v.rank - 2).fill(1)];
  return tf.mul(tf.sub(v, tf.tensor(d.mean, shape)), tf.tensor(d.scale, shape));
}

/** Runs the model in the batches its file accepts, adding taps and collecting the tapped and captured values. */
function tappedRunner(model: ImportedModel, taps: readonly string[], captures: readonly Capture[]): LayerwiseGraph['applyTapped'] {
  return (params, x, tapValues) =>
    tf.tidy(() => {
      const n = x.shape[0];
      const size = model.summary.batch.kind === 'fixed' ? model.summary.batch.size : n;
      const outputs: tf.Tensor[] = [];
      const tappedParts: tf.Tensor[][] = taps.map(() => []);
      const capturedParts: tf.Tensor[][] = captures.map(() => []);
      // A short last chunk is filled with copies of its last sample (and zero taps); those rows are dropped.
      const fill = (t: tf.Tensor, start: number, count: number, pad: (t: tf.Tensor) => tf.Tensor) => {
        const part = tf.slice(t, start, count);
        return count < size ? tf.concat([part, ...new Array<tf.Tensor>(size - count).fill(pad(t))]) : part;
      };
      for (let start = 0; start < n; start += size) {
        const count = Math.min(size, n - start);
        const chunk = fill(x, start, count, (t) => tf.slice(t, n - 1, 1));
        const chunkTaps = tapValues?.map((t) => fill(t, start, count, (u) => tf.zeros([1, ...u.shape.slice(1)])));
        const tapped: (tf.Tensor | undefined)[] = taps.map(() => undefined);
        const captured: (tf.Tensor | undefined)[] = captures.map(() => undefined);
        const hook: ValueHook = (name, value) => {
          let out = value;
          const t = taps.indexOf(name);
          if (t >= 0) {
            if (chunkTaps) out = tf.add(value, chunkTaps[t]);
            tapped[t] = out;
          }
          captures.forEach((c, i) => {
            if (c.value === name) captured[i] = derive(c, out);
          });
          return out;
        };
        const y = model.applyHooked(params, chunk, hook);
        const keep = (t: tf.Tensor | undefined, what: string) => {
          if (!t) throw new Error(`the layer-wise eNTK did not see ${what} computed`);
          return count < size ? tf.slice(t, 0, count) : t;
        };
        outputs.push(keep(y, 'the output'));
        tapped.forEach((t, i) => tappedParts[i].push(keep(t, taps[i])));
        captured.forEach((t, i) => capturedParts[i].push(keep(t, captures[i].value)));
      }
      const join = (parts: tf.Tensor[]) => (parts.length === 1 ? parts[0] : tf.concat(parts));
      return { output: join(outputs) as tf.Tensor2D, tapped: tappedParts.map(join), captured: capturedParts.map(join) };
    });
}
