// Recognises an imported plain MLP (dense -> Relu -> ... -> dense) as the paper's FCN, so the structured eNTK and
// the float64 reference can run on it. Dense layers may be Gemm (alpha, transB, C) or MatMul, optionally scaled by a
// scalar Mul (the NTK multiplier) and followed by a bias Add. A readout bias (every nn.Linear head has one) becomes
// the architecture's `readoutBias` with the graph's multiplier. Anything else: no match.
import type { FcnArchitecture } from '../../../core/models/architecture';
import { fcnLayers, forwardMults } from '../../../core/models/architecture';
import type { NamedArray, ParamSet } from '../../../core/models/params';
import type { IrNode } from './ir';
import type { ImportedModel } from './imported-model';

export interface FcnMatch {
  readonly architecture: FcnArchitecture;
  /** The model's parameters renamed and laid out as the native FCN's (W [out, in]). */
  toNative(params: ParamSet): ParamSet;
}

interface DenseLayerMatch {
  readonly weight: string;
  /** The file stores W as [in, out] (MatMul, or Gemm without transB). */
  readonly transposed: boolean;
  readonly bias?: string;
  readonly weightMult: number;
  readonly biasMult: number;
  readonly inDim: number;
  readonly outDim: number;
  /** The value the layer produces. */
  readonly output: string;
}

interface Walk {
  readonly consumers: ReadonlyMap<string, readonly IrNode[]>;
  readonly params: ReadonlyMap<string, readonly number[]>;
  readonly scalars: ReadonlyMap<string, number>;
}

function only(walk: Walk, value: string): IrNode | undefined {
  const next = walk.consumers.get(value);
  return next?.length === 1 ? next[0] : undefined;
}

function intAttr(node: IrNode, name: string, fallback: number): number {
  const a = node.attrs.get(name);
  return a?.kind === 'int' ? a.value : fallback;
}

function floatAttr(node: IrNode, name: string, fallback: number): number {
  const a = node.attrs.get(name);
  return a?.kind === 'float' || a?.kind === 'int' ? a.value : fallback;
}

/** A dense layer reading `value`, or undefined. */
function denseFrom(walk: Walk, value: string): DenseLayerMatch | undefined {
  const node = only(walk, value);
  if (!node || node.inputs[0] !== value) return undefined;
  const w = node.inputs[1];
  const shape = walk.params.get(w);
  if (!shape || shape.length !== 2) return undefined;
  let weightMult = 1;
  let biasMult = 1;
  let bias: string | undefined;
  let transposed: boolean;
  if (node.opType === 'Gemm') {
    if (intAttr(node, 'transA', 0) !== 0) return undefined;
    transposed = intAttr(node, 'transB', 0) === 0;
    weightMult = floatAttr(node, 'alpha', 1);
    const c = node.inputs[2];
    if (c) {
      if (walk.params.get(c)?.length !== 1) return undefined;
      bias = c;
      biasMult = floatAttr(node, 'beta', 1);
    }
  } else if (node.opType === 'MatMul') {
    transposed = true;
  } else {
    return undefined;
  }
  const [outDim, inDim] = transposed ? [shape[1], shape[0]] : shape;
  let output = node.outputs[0];
  const mul = only(walk, output);
  const scale = mul?.opType === 'Mul' ? walk.scalars.get(mul.inputs[mul.inputs[0] === output ? 1 : 0]) : undefined;
  if (mul && scale !== undefined) {
    weightMult *= scale;
    biasMult *= scale;
    output = mul.outputs[0];
  }
  const add = only(walk, output);
  if (!bias && add?.opType === 'Add') {
    const b = add.inputs[add.inputs[0] === output ? 1 : 0];
    if (walk.params.get(b)?.length === 1 && walk.params.get(b)?.[0] === outDim) {
      bias = b;
      biasMult = 1;
      output = add.outputs[0];
    }
  }
  return { weight: w, transposed, bias, weightMult, biasMult, inDim, outDim, output };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** The FCN an imported model is, with its parameters in native layout; undefined when the graph is anything else. */
export function matchFcn(model: ImportedModel): FcnMatch | undefined {
  if (model.inputShape.length !== 1) return undefined;
  const consumers = new Map<string, IrNode[]>();
  for (const node of model.graph.nodes) for (const v of node.inputs) if (v) consumers.set(v, [...(consumers.get(v) ?? []), node]);
  const scalars = new Map<string, number>();
  for (const [name, t] of model.graph.initializers) if (t.data.length === 1 && (t.dtype === 'float32' || t.dtype === 'float64')) scalars.set(name, t.data[0]);
  for (const node of model.graph.nodes) {
    const value = node.attrs.get('value');
    if (node.opType === 'Constant' && value?.kind === 'tensor' && value.value.data.length === 1) scalars.set(node.outputs[0], value.value.data[0]);
  }
  const walk: Walk = { consumers, params: new Map(model.params.map((p) => [p.name, p.shape])), scalars };
  const layers: DenseLayerMatch[] = [];
  let value = model.summary.inputName;
  for (;;) {
    const layer = denseFrom(walk, value);
    if (!layer || layer.inDim !== (layers.at(-1)?.outDim ?? model.inputShape[0])) return undefined;
    layers.push(layer);
    if (layer.output === model.summary.outputName) break;
    const relu = only(walk, layer.output);
    if (relu?.opType !== 'Relu') return undefined;
    value = relu.outputs[0];
  }
  const hidden = layers.slice(0, -1);
  const readout = layers[layers.length - 1];
  if (hidden.length === 0 || readout.outDim !== model.outputs) return undefined;
  const bias = hidden[0].bias !== undefined;
  if (hidden.some((l) => (l.bias !== undefined) !== bias)) return undefined;
  const readoutBias = readout.bias ? { readoutBias: readout.biasMult } : {};
  const used = layers.flatMap((l) => (l.bias ? [l.weight, l.bias] : [l.weight]));
  if (used.length !== model.params.length || new Set(used).size !== used.length) return undefined;
  for (const parameterization of ['ntk', 'standard'] as const) {
    const architecture: FcnArchitecture = { arch: 'fcn', inputDim: model.inputShape[0], outputs: model.outputs, widths: hidden.map((l) => l.outDim), bias, parameterization, ...readoutBias };
    const native = fcnLayers(architecture);
    const fits = native.every((n, i) => close(layers[i].weightMult, forwardMults(architecture, n).weight) && (!n.bias || !layers[i].bias || close(layers[i].biasMult, forwardMults(architecture, n).bias)));
    if (!fits) continue;
    return {
      architecture,
      toNative(params) {
        const byName = new Map(params.map((p) => [p.name, p]));
        const out: NamedArray[] = [];
        native.forEach((n, i) => {
          const layer = layers[i];
          const w = byName.get(layer.weight) as NamedArray;
          const values = layer.transposed ? transpose(w.values, layer.inDim, layer.outDim) : w.values;
          out.push({ name: n.weight, shape: [n.outDim, n.inDim], values });
          if (n.bias && layer.bias) out.push({ name: n.bias, shape: [n.outDim], values: (byName.get(layer.bias) as NamedArray).values });
        });
        return out;
      },
    };
  }
  return undefined;
}

/** [rows, cols] -> [cols, rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
