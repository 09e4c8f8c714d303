// A float64 interpreter of an ONNX file's own graph, one sample at a time, for the float64 eNTK reference of the
// import tests (fd-entk.ts). It decodes the protobuf itself and runs onnx-f64-ops.ts, sharing nothing with the
// importer's translation or the structured eNTK beyond the protobuf decoder. BatchNorm running statistics are read at
// the unperturbed parameters (they are constants of the network, as in the importer's parameter selection).
import { decodeModel, type AttributeProto, type NodeProto, type TensorProto } from '../../src-main/node/onnx/onnx-schema';
import { toNumber } from '../../src-main/node/onnx/import/int64';
import * as op from './onnx-f64-ops';
import { t64, type T64 } from './onnx-f64-ops';

/** Smallest distances to a kink seen in one forward pass, each relative to the largest |value| of its tensor. */
export interface KinkMargins {
  /**
   * Relu / LeakyRelu / PRelu inputs: min |z| over the nonzero ones. An exact zero is structural (a dead or padded
   * receptive field with no bias): it stays zero under every small change of the parameters and has zero derivative.
   */
  relu: number;
  /** MaxPool windows: min gap between the largest and second largest value (exact ties of zeros skipped). */
  maxPool: number;
  /** Clip inputs: min distance to a bound. */
  clip: number;
}

/** One forward pass of a sample, kept for reruns after a change to one parameter. */
export interface F64Pass {
  /** f(x) [k]. */
  readonly outputs: Float64Array;
  /**
   * f(x) after the caller changed parameter `name` in place in the params map the pass was made with: reruns only
   * the nodes downstream of it, with BatchNorm statistics held at the pass's values.
   */
  rerun(name: string): Float64Array;
}

export interface F64Graph {
  /** Runs sample x (flat, the input's shape without the batch dim) at `params` (name -> values), noting kink margins. */
  pass(x: Float64Array, params: ReadonlyMap<string, Float64Array>, margins?: KinkMargins): F64Pass;
}

const utf8 = new TextDecoder();

function decodeInitializer(t: TensorProto): T64 {
  const dims = (t.dims ?? []).map((d) => toNumber(d));
  const count = op.size(dims);
  const raw = t.rawData && t.rawData.length ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  const data = new Float64Array(count);
  switch (t.dataType) {
    case 1:
      for (let i = 0; i < count; i++) data[i] = raw ? raw.getFloat32(4 * i, true) : (t.floatData as number[])[i];
      break;
    case 11:
      for (let i = 0; i < count; i++) data[i] = raw ? raw.getFloat64(8 * i, true) : (t.doubleData as number[])[i];
      break;
    case 7:
      for (let i = 0; i < count; i++) data[i] = raw ? Number(raw.getBigInt64(8 * i, true)) : toNumber((t.int64Data ?? [])[i]);
      break;
    case 6:
      for (let i = 0; i < count; i++) data[i] = raw ? raw.getInt32(4 * i, true) : (t.int32Data as number[])[i];
      break;
    default:
      throw new Error(`reference: initializer ${t.name} has element type ${t.dataType}`);
  }
  return t64(dims, data);
}

class Attrs {
  private readonly byName: Map<string, AttributeProto>;
  constructor(node: NodeProto) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
  }
  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a ? toNumber(a.i) : fallback;
  }
  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a ? (a.f ?? 0) : fallback;
  }
  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map((v) => toNumber(v)) : undefined;
  }
  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s ? utf8.decode(a.s) : fallback;
  }
  tensor(name: string): TensorProto | undefined {
    return this.byName.get(name)?.t ?? undefined;
  }
  floats(name: string): number[] | undefined {
    return this.byName.get(name)?.floats ?? undefined;
  }
}

function window(a: Attrs, x: T64, kernel: readonly number[], ceil: boolean): op.Window2d {
  const strides = (a.ints('strides') ?? [1, 1]) as [number, number];
  const dilations = (a.ints('dilations') ?? [1, 1]) as [number, number];
  const k = [kernel[0], kernel[1]] as [number, number];
  const pads = op.autoPads(a.string('auto_pad', 'NOTSET'), [x.dims[2], x.dims[3]], { kernel: k, strides, dilations }, a.ints('pads') ?? []);
  return { kernel: k, strides, dilations, pads, ceil };
}

const relMin = (values: Iterable<number>, scale: number): number => {
  let m = Infinity;
  for (const v of values) m = Math.min(m, v);
  return scale > 0 ? m / scale : Infinity;
};
const maxAbs = (x: T64): number => x.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const reluMargin = (x: T64): number => relMin(x.data.filter((v) => v !== 0).map(Math.abs), maxAbs(x));

/** Interprets `bytes` with `inputShape` (no batch dim), reading f(x) from the value `outputName`. */
export function f64Graph(bytes: Uint8Array, inputShape: readonly number[], outputName: string): F64Graph {
  const model = decodeModel(bytes);
  const graph = model.graph ?? {};
  const opset = toNumber((model.opsetImport ?? []).find((o) => !o.domain)?.version);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', decodeInitializer(t)]));
  const inputName = (graph.input ?? []).map((i) => i.name ?? '').find((name) => !initializers.has(name)) as string;
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const node of nodes) for (const out of node.output ?? []) producer.set(out, node);
  const needed = new Set<NodeProto>();
  const visit = (value: string) => {
    const node = producer.get(value);
    if (!node || needed.has(node)) return;
    needed.add(node);
    for (const input of node.input ?? []) if (input) visit(input);
  };
  visit(outputName);
  const order = nodes.filter((n) => needed.has(n)).map((node) => ({ node, attrs: new Attrs(node), key: node.name || (node.output ?? [])[0] }));

  const downstreamOf = new Map<string, typeof order>();
  /** The nodes a change to value `name` reaches, in graph order. */
  function downstream(name: string): typeof order {
    let nodesOf = downstreamOf.get(name);
    if (!nodesOf) {
      const live = new Set([name]);
      nodesOf = order.filter(({ node }) => {
        if (!(node.input ?? []).some((v) => live.has(v))) return false;
        for (const v of node.output ?? []) live.add(v);
        return true;
      });
      downstreamOf.set(name, nodesOf);
    }
    return nodesOf;
  }

  /** Runs `steps` over `values` (updated in place); BatchNorm statistics from `held`, else recorded into it. */
  function evaluate(steps: typeof order, values: Map<string, T64>, held: Map<string, T64>, record: boolean, margins: KinkMargins | undefined): Float64Array {
    for (const { node, attrs: a, key } of steps) {
      const ins = (node.input ?? []).map((name) => (name ? values.get(name) : undefined));
      const y = apply(node, ins, a, (slot) => {
        if (!record) return held.get(`${key}:${slot}`) as T64;
        // A copy: the value may alias a parameter array that the caller changes in place.
        const t = ins[slot] as T64;
        held.set(`${key}:${slot}`, t64(t.dims, Float64Array.from(t.data)));
        return t;
      });
      values.set((node.output ?? [])[0], y);
    }
    const out = values.get(outputName);
    if (!out) throw new Error(`reference: no value ${outputName}`);
    return out.data;

    function apply(node: NodeProto, ins: (T64 | undefined)[], a: Attrs, statistic: (slot: number) => T64): T64 {
      const x0 = ins[0] as T64;
      const input = (i: number): T64 => {
        const t = ins[i];
        if (!t) throw new Error(`reference: ${node.opType} ${node.name} lacks input ${i}`);
        return t;
      };
      const axesFrom = (slot: number): number[] | undefined => a.ints('axes') ?? (ins[slot] ? [...(ins[slot] as T64).data] : undefined);
      switch (node.opType) {
        case 'Conv': {
          const w = input(1);
          return op.conv2d(x0, w, ins[2], a.int('group', 1), window(a, x0, a.ints('kernel_shape') ?? w.dims.slice(2), false));
        }
        case 'MaxPool':
        case 'AveragePool': {
          const max = node.opType === 'MaxPool';
          const scale = maxAbs(x0);
          const win = window(a, x0, a.ints('kernel_shape') as number[], a.int('ceil_mode', 0) === 1);
          return op.pool2d(x0, max ? 'max' : 'average', win, a.int('count_include_pad', 0) === 1, (vals) => {
            if (!margins || vals.length < 2) return;
            const sorted = [...vals].sort((p, q) => q - p);
            if (sorted[0] === 0 && sorted[1] === 0) return;
            margins.maxPool = Math.min(margins.maxPool, relMin([sorted[0] - sorted[1]], scale));
          });
        }
        case 'GlobalAveragePool':
          return op.reduceMean(x0, [2, 3], true);
        case 'BatchNormalization': {
          const [scale, bias, mean, variance] = [input(1), input(2), statistic(3), statistic(4)];
          const eps = a.float('epsilon', 1e-5);
          const c = x0.dims[1];
          const inner = op.size(x0.dims.slice(2));
          return t64(
            x0.dims,
            x0.data.map((v, i) => {
              const ch = Math.floor(i / inner) % c;
              return (scale.data[ch] * (v - mean.data[ch])) / Math.sqrt(variance.data[ch] + eps) + bias.data[ch];
            }),
          );
        }
        case 'LayerNormalization':
          return op.layerNorm(x0, input(1), ins[2], a.int('axis', -1), a.float('epsilon', 1e-5));
        case 'Gemm':
          return op.gemm(x0, input(1), ins[2], a.float('alpha', 1), a.float('beta', 1), a.int('transA', 0) === 1, a.int('transB', 0) === 1);
        case 'MatMul':
          return op.matmul(x0, input(1));
        case 'Add':
          return op.broadcast(x0, input(1), (p, q) => p + q);
        case 'Sub':
          return op.broadcast(x0, input(1), (p, q) => p - q);
        case 'Mul':
          return op.broadcast(x0, input(1), (p, q) => p * q);
        case 'Div':
          return op.broadcast(x0, input(1), (p, q) => p / q);
        case 'Pow':
          return op.broadcast(x0, input(1), (p, q) => p ** q);
        case 'Relu':
        case 'LeakyRelu': {
          const alpha = node.opType === 'Relu' ? 0 : a.float('alpha', 0.01);
          if (margins) margins.relu = Math.min(margins.relu, reluMargin(x0));
          return op.unary(x0, (v) => (v > 0 ? v : alpha * v));
        }
        case 'PRelu':
          if (margins) margins.relu = Math.min(margins.relu, reluMargin(x0));
          return op.broadcast(x0, input(1), (v, slope) => (v > 0 ? v : slope * v));
        case 'Clip': {
          const lo = opset < 11 ? a.float('min', -Infinity) : ins[1] ? (ins[1] as T64).data[0] : -Infinity;
          const hi = opset < 11 ? a.float('max', Infinity) : ins[2] ? (ins[2] as T64).data[0] : Infinity;
          if (margins) margins.clip = Math.min(margins.clip, relMin(x0.data.map((v) => Math.min(Math.abs(v - lo), Math.abs(v - hi))), maxAbs(x0)));
          return op.unary(x0, (v) => Math.min(hi, Math.max(lo, v)));
        }
        case 'Elu': {
          const alpha = a.float('alpha', 1);
          return op.unary(x0, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
        }
        case 'Gelu':
          return a.string('approximate', 'none') === 'tanh'
            ? op.unary(x0, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))))
            : op.unary(x0, (v) => 0.5 * v * (1 + op.erf(v / Math.SQRT2)));
        case 'Sigmoid':
          return op.unary(x0, (v) => 1 / (1 + Math.exp(-v)));
        case 'Tanh':
          return op.unary(x0, Math.tanh);
        case 'Softplus':
          return op.unary(x0, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
        case 'Erf':
          return op.unary(x0, op.erf);
        case 'Sqrt':
          return op.unary(x0, Math.sqrt);
        case 'Neg':
          return op.unary(x0, (v) => -v);
        case 'Identity':
        case 'Dropout':
        case 'Cast':
          return x0;
        case 'Softmax':
        case 'LogSoftmax':
          return op.softmax(x0, a.int('axis', opset < 13 ? 1 : -1), node.opType === 'LogSoftmax', opset < 13);
        case 'ReduceMean':
          return op.reduceMean(x0, (opset < 18 ? a.ints('axes') : axesFrom(1)) ?? [], a.int('keepdims', 1) === 1);
        case 'Flatten': {
          const axis = a.int('axis', 1);
          const ax = axis < 0 ? axis + x0.dims.length : axis;
          return t64([op.size(x0.dims.slice(0, ax)), op.size(x0.dims.slice(ax))], x0.data);
        }
        case 'Reshape':
          return op.reshape(x0, [...input(1).data], a.int('allowzero', 0) === 1);
        case 'Squeeze': {
          const axes = (opset < 13 ? a.ints('axes') : axesFrom(1))?.map((ax) => (ax < 0 ? ax + x0.dims.length : ax));
          return t64(
            x0.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)),
            x0.data,
          );
        }
        case 'Unsqueeze': {
          const axes = (opset < 13 ? a.ints('axes') : axesFrom(1)) as number[];
          const rank = x0.dims.length + axes.length;
          const at = new Set(axes.map((ax) => (ax < 0 ? ax + rank : ax)));
          const rest = [...x0.dims];
          return t64(
            Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : (rest.shift() as number))),
            x0.data,
          );
        }
        case 'Transpose':
          return op.transpose(x0, a.ints('perm') ?? x0.dims.map((_, i) => x0.dims.length - 1 - i));
        case 'Concat':
          return op.concat(ins as T64[], a.int('axis', 0));
        case 'Shape':
          return t64([x0.dims.length], Float64Array.from(x0.dims));
        case 'Gather':
          return op.gather(x0, input(1), a.int('axis', 0));
        case 'Constant': {
          const t = a.tensor('value');
          if (t) return decodeInitializer(t);
          const floats = a.floats('value_floats') ?? a.ints('value_ints');
          if (floats) return t64([floats.length], Float64Array.from(floats));
          const scalar = a.float('value_float', NaN);
          return t64([], Float64Array.of(Number.isNaN(scalar) ? a.int('value_int', 0) : scalar));
        }
        default:
          throw new Error(`reference: op ${node.opType} (${node.name}) is not interpreted`);
      }
    }
  }

  return {
    pass(x, params, margins) {
      const values = new Map<string, T64>(initializers);
      for (const [name, data] of params) values.set(name, t64((initializers.get(name) as T64).dims, data));
      values.set(inputName, t64([1, ...inputShape], x));
      const held = new Map<string, T64>();
      const outputs = Float64Array.from(evaluate(order, values, held, true, margins));
      return {
        outputs,
        rerun: (name) => evaluate(downstream(name), new Map(values), held, false, undefined),
      };
    },
  };
}
