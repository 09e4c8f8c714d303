// Which initializers are trainable parameters: float initializers that reach a weight or bias slot (Gemm B/C,
// MatMul, Conv W/B, normalisation scale/B, PRelu slope, a bias Add/Sub or elementwise-scale Mul after a layer, a
// token concatenated to a layer's output),
// possibly through view ops (Identity, Reshape, Transpose, ...). Shape constants, running statistics, scalar
// multipliers and divisors stay constants; `freeze` moves any name back to the constants. A parameter that also
// reaches a constant slot (exporters deduplicate equal initializers: a fresh BatchNorm's running_var is its weight)
// is read there as a constant, so no gradient flows through running statistics.
import type { ImportParamDto } from '../../../contract/api';
import { isFloat, type IrGraph, type IrNode } from './ir';
import { translatorFor } from './ops/op-registry';

export interface ParamSelection {
  readonly params: readonly ImportParamDto[];
  /** Float initializers that stay constant (not reaching a weight slot, or frozen). */
  readonly constants: readonly string[];
  readonly frozen: readonly string[];
  /** (node, slot) reads of a parameter, or a view of one, outside any weight slot: read as constants (readKey). */
  readonly constantReads: ReadonlySet<string>;
}

/** Key of input `slot` of `node` in ParamSelection.constantReads. */
export function readKey(node: IrNode, slot: number): string {
  return `${node.name}\u0000${slot}`;
}

/** Ops that pass a tensor through with a new layout: a weight may be reshaped or transposed before use. */
export const VIEW_OPS: ReadonlySet<string> = new Set(['Identity', 'Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Cast', 'Expand']);

/**
 * Values computed downstream of a layer (an op with weight slots fed by a float initializer): a bias or scale is
 * added there, while Sub/Div/Mul on the raw input are preprocessing.
 */
function downstreamOfLayers(graph: IrGraph, nodes: readonly IrNode[]): Set<string> {
  const after = new Set<string>();
  // Float initializers and views of them (a weight may be transposed or reshaped on its way to the layer).
  const weights = new Set([...graph.initializers].filter(([, t]) => isFloat(t.dtype)).map(([name]) => name));
  for (const node of nodes) {
    if (VIEW_OPS.has(node.opType) && weights.has(node.inputs[0])) node.outputs.forEach((v) => weights.add(v));
    const slots = translatorFor(node.opType, node.domain)?.paramSlots ?? [];
    const isLayer = slots.some((slot) => weights.has(node.inputs[slot] ?? ''));
    if (isLayer || node.inputs.some((v) => after.has(v))) node.outputs.forEach((v) => after.add(v));
  }
  return after;
}

function isParamSlot(node: IrNode, slot: number, rank: number, size: number, afterLayers: Set<string>): boolean {
  const other = node.inputs[1 - slot];
  const afterLayer = other !== undefined && afterLayers.has(other);
  switch (node.opType) {
    case 'Add':
    case 'Sub':
      return afterLayer && rank >= 1;
    case 'Mul':
      return afterLayer && size > 1;
    case 'Concat':
      // A learned token (a ViT's class token) joined to features a layer computed.
      return node.inputs.some((v, i) => i !== slot && afterLayers.has(v));
    default:
      return translatorFor(node.opType, node.domain)?.paramSlots?.includes(slot) ?? false;
  }
}

function matches(name: string, patterns: readonly (string | RegExp)[]): boolean {
  return patterns.some((p) => (typeof p === 'string' ? p === name : p.test(name)));
}

type Consumers = ReadonlyMap<string, readonly { node: IrNode; slot: number }[]>;

/** Where a float initializer ends up: the first weight slot it reaches (through views), and its reads elsewhere. */
function traceUses(name: string, rank: number, size: number, consumers: Consumers, afterLayers: Set<string>): { feeds?: string; otherReads: string[] } {
  let feeds: string | undefined;
  const otherReads: string[] = [];
  /** True when `value` reaches a weight slot; records reads that do not. */
  const visit = (value: string, seen: Set<string>): boolean => {
    let reaches = false;
    for (const { node, slot } of consumers.get(value) ?? []) {
      if (isParamSlot(node, slot, rank, size, afterLayers)) {
        feeds ??= `${node.opType} ${node.name} input ${slot}`;
        reaches = true;
      } else if (VIEW_OPS.has(node.opType) && slot === 0 && node.outputs.some((out) => out !== '' && !seen.has(out) && (seen.add(out), visit(out, seen)))) {
        reaches = true;
      } else {
        otherReads.push(readKey(node, slot));
      }
    }
    return reaches;
  };
  visit(name, new Set([name]));
  return { feeds, otherReads };
}

/** Ops after which a fixed transform's output is a magnitude or a log (power spectra, log-mel). */
const MAGNITUDE_OPS: ReadonlySet<string> = new Set(['Pow', 'Abs', 'Sqrt', 'Log', 'ReduceL2', 'ReduceSumSquare']);
/** Ops a fixed transform's output may pass through on its way there (views, cuts, a floor). */
const PASS_OPS: ReadonlySet<string> = new Set([...VIEW_OPS, 'Slice', 'Gather', 'Split', 'Concat', 'Add', 'Max', 'Clip']);

/** Weight names of the layers that look like fixed transforms (see ImportParamDto.fixedTransform). Cost O(nodes + edges). */
function fixedTransforms(nodes: readonly IrNode[], consumers: Consumers, weights: ReadonlySet<string>): Set<string> {
  const feedsMagnitude = (value: string, depth: number): boolean =>
    depth < 6 &&
    (consumers.get(value) ?? []).some(
      ({ node }) => MAGNITUDE_OPS.has(node.opType) || (node.opType === 'Mul' && node.inputs[0] === node.inputs[1]) || (PASS_OPS.has(node.opType) && node.outputs.some((o) => feedsMagnitude(o, depth + 1))),
    );
  const fixed = new Set<string>();
  // Values computed by a trainable layer (anything downstream of one).
  const trained = new Set<string>();
  for (const node of nodes) {
    const slots = translatorFor(node.opType, node.domain)?.paramSlots ?? [];
    const weight = slots.map((slot) => node.inputs[slot] ?? '').find((v) => weights.has(v));
    const dataIn = node.inputs.filter((v) => v !== '' && !weights.has(v));
    if (weight !== undefined) {
      // MatMul lists both operands as weight slots: only another float initializer there (a bias) counts.
      const biasFree = slots.every((slot) => node.inputs[slot] === weight || !weights.has(node.inputs[slot] ?? ''));
      if (biasFree && !dataIn.some((v) => trained.has(v)) && node.outputs.some((o) => feedsMagnitude(o, 0))) {
        fixed.add(weight);
        continue;
      }
      node.outputs.forEach((o) => trained.add(o));
    } else if (node.inputs.some((v) => trained.has(v))) node.outputs.forEach((o) => trained.add(o));
  }
  return fixed;
}

/** The nodes with every If branch's nodes just before their If (a weight used inside a branch is still a weight). */
function withBranches(nodes: readonly IrNode[]): IrNode[] {
  return nodes.flatMap((node) => [...[...node.attrs.values()].flatMap((a) => (a.kind === 'graph' ? withBranches(a.value.nodes) : [])), node]);
}

/** Splits the float initializers of `graph` into parameters (file order) and constants. Cost O(nodes + edges). */
export function selectParams(graph: IrGraph, freeze: readonly (string | RegExp)[] = []): ParamSelection {
  const nodes = withBranches(graph.nodes);
  const consumers = new Map<string, { node: IrNode; slot: number }[]>();
  for (const node of nodes) node.inputs.forEach((v, slot) => v !== '' && consumers.set(v, [...(consumers.get(v) ?? []), { node, slot }]));
  const afterLayers = downstreamOfLayers(graph, nodes);
  const params: ImportParamDto[] = [];
  const constantNames: string[] = [];
  const frozen: string[] = [];
  const constantReads = new Set<string>();
  const floatWeights = new Set([...graph.initializers].filter(([, t]) => isFloat(t.dtype)).map(([name]) => name));
  const fixed = fixedTransforms(nodes, consumers, floatWeights);
  for (const [name, tensor] of graph.initializers) {
    if (!isFloat(tensor.dtype)) continue;
    const { feeds, otherReads } = traceUses(name, tensor.shape.length, tensor.data.length, consumers, afterLayers);
    if (feeds !== undefined && matches(name, freeze)) frozen.push(name);
    if (feeds !== undefined && !matches(name, freeze)) {
      params.push({ name, shape: tensor.shape, feeds, ...(fixed.has(name) ? { fixedTransform: true } : {}) });
      otherReads.forEach((key) => constantReads.add(key));
    } else {
      constantNames.push(name);
    }
  }
  return { params, constants: constantNames, frozen, constantReads };
}
