// ONNX bytes -> IrGraph: decode ModelProto with protobufjs (the shared schema), check the opset (9-24), read
// initializers (inline or external), decode attributes and put the nodes in topological order. Every failure is a
// CodedError that names the file and, where there is one, the node or tensor.
import { CodedError } from '../../../contract/result';
import { decodeModel, type GraphProto, type ModelProto, type TensorShapeProtoDimension, type ValueInfoProto } from '../onnx-schema';
import { decodeAttribute } from './attributes';
import { externalDataReader } from './external-data';
import type { ImportContext } from './import-context';
import { toNumber } from './int64';
import type { AttrValue, HostTensor, IrGraph, IrNode, IrSubgraph, IrValueInfo } from './ir';
import { decodeTensor } from './tensor-data';

export const MIN_OPSET = 9;
export const MAX_OPSET = 24;
const MAX_NODES = 100_000;
const MAX_SUBGRAPH_DEPTH = 4;

/** Parses the bytes with the ONNX schema; truncated or non-protobuf bytes give onnx/parse-failed. */
export function parseModelProto(context: ImportContext): ModelProto {
  try {
    return decodeModel(context.bytes);
  } catch (error) {
    throw new CodedError('onnx/parse-failed', `${context.identifier} is not a readable ONNX model (${(error as Error).message}); is it truncated or another format?`);
  }
}

function defaultOpset(model: ModelProto, identifier: string): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) throw new CodedError('onnx/unsupported-model', `${identifier} imports no ai.onnx opset; opsets ${MIN_OPSET} to ${MAX_OPSET} are supported`);
  const version = toNumber(entry.version);
  if (version < MIN_OPSET || version > MAX_OPSET)
    throw new CodedError('onnx/unsupported-model', `${identifier} uses opset ${version}; opsets ${MIN_OPSET} to ${MAX_OPSET} are supported`);
  return version;
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key) && (o as Record<string, unknown>)[key] !== null;

/** A dim is its value, its symbolic name, or null when the file gives neither (decoded defaults are not values). */
function dimOf(d: TensorShapeProtoDimension): number | string | null {
  if (own(d, 'dimParam') && d.dimParam) return d.dimParam;
  return own(d, 'dimValue') ? toNumber(d.dimValue) : null;
}

function valueInfo(v: ValueInfoProto): IrValueInfo {
  const tensorType = v.type?.tensorType;
  const dims = tensorType?.shape ? (tensorType.shape.dim ?? []).map(dimOf) : undefined;
  return { name: v.name ?? '', elemType: tensorType?.elemType ?? 0, dims };
}

async function readInitializers(graph: GraphProto, context: ImportContext): Promise<Map<string, HostTensor>> {
  const external = externalDataReader(context);
  const out = new Map<string, HostTensor>();
  for (const proto of graph.initializer ?? []) {
    const name = proto.name ?? '';
    if (!name) throw new CodedError('onnx/invalid-model', `${context.identifier}: an initializer has no name`);
    if (out.has(name)) throw new CodedError('onnx/invalid-model', `${context.identifier}: initializer ${name} is defined twice`);
    out.set(name, await decodeTensor(proto, `initializer ${name}`, external));
  }
  return out;
}

/** Values a subgraph reads from enclosing scopes: read by its nodes (or theirs), produced by none, not its initializers. */
function freeValues(sub: IrSubgraph): string[] {
  const local = new Set([...sub.initializers.keys(), ...sub.nodes.flatMap((n) => n.outputs)]);
  return [...new Set(sub.nodes.flatMap((n) => [...n.inputs, ...n.implicit]).filter((v) => v !== '' && !local.has(v)))];
}

async function readNodes(graph: GraphProto, context: ImportContext, depth = 0): Promise<IrNode[]> {
  const protos = graph.node ?? [];
  if (protos.length > MAX_NODES) throw new CodedError('onnx/invalid-model', `${context.identifier}: ${protos.length} nodes is more than ${MAX_NODES}`);
  const external = externalDataReader(context);
  // If branches are read (a few levels deep); Loop and Scan bodies stay refused where they are used.
  const subgraph =
    depth < MAX_SUBGRAPH_DEPTH
      ? async (g: GraphProto): Promise<IrSubgraph> => ({ nodes: await readNodes(g, context, depth + 1), initializers: await readInitializers(g, context), outputs: (g.output ?? []).map((o) => o.name ?? '') })
      : undefined;
  const nodes: IrNode[] = [];
  for (const [index, p] of protos.entries()) {
    const opType = p.opType ?? '';
    const name = p.name || `#${index} ${opType}`;
    if (!opType) throw new CodedError('onnx/invalid-model', `${context.identifier}: node ${name} has no op type`);
    const attrs = new Map<string, AttrValue>();
    for (const a of p.attribute ?? []) attrs.set(a.name ?? '', await decodeAttribute(a, `node ${name}`, external, opType === 'If' ? subgraph : undefined));
    const domain = p.domain === 'ai.onnx' ? '' : (p.domain ?? '');
    const implicit = [...new Set([...attrs.values()].flatMap((v) => (v.kind === 'graph' ? freeValues(v.value) : [])))];
    nodes.push({ name, opType, domain, inputs: [...(p.input ?? [])], outputs: [...(p.output ?? [])], attrs, implicit });
  }
  return nodes;
}

/** Kahn's algorithm over value names: files are meant to be sorted, but a stray order should not break the import. */
function topologicalOrder(nodes: IrNode[], available: Set<string>, identifier: string): IrNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const out of node.outputs) {
      if (out === '') continue;
      if (producer.has(out) || available.has(out)) throw new CodedError('onnx/invalid-model', `${identifier}: value ${out} is produced twice (node ${node.name})`);
      producer.set(out, i);
    }
  });
  const waiting = nodes.map((node) => new Set([...node.inputs, ...node.implicit].filter((v) => v !== '' && !available.has(v))));
  for (const [i, node] of nodes.entries())
    for (const v of waiting[i])
      if (!producer.has(v)) throw new CodedError('onnx/invalid-model', `${identifier}: node ${node.name} (${node.opType}) reads ${v}, which no input, initializer or node provides`);
  const consumers = new Map<string, number[]>();
  nodes.forEach((_, i) => waiting[i].forEach((v) => consumers.set(v, [...(consumers.get(v) ?? []), i])));
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i].size === 0);
  const order: IrNode[] = [];
  while (ready.length > 0) {
    const i = ready.shift() as number;
    order.push(nodes[i]);
    for (const out of nodes[i].outputs)
      for (const j of consumers.get(out) ?? []) {
        waiting[j].delete(out);
        if (waiting[j].size === 0) ready.push(j);
      }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((_, i) => waiting[i].size > 0).map((n) => n.name);
    throw new CodedError('onnx/invalid-model', `${identifier}: the graph has a cycle through ${stuck.slice(0, 5).join(', ')}`);
  }
  return order;
}

/** Reads the whole model into the importer's IR; the decoded ModelProto comes along for re-encoding. */
export async function readOnnx(context: ImportContext): Promise<{ model: ModelProto; graph: IrGraph }> {
  const model = parseModelProto(context);
  const graph = model.graph;
  if (!graph) throw new CodedError('onnx/invalid-model', `${context.identifier} holds no graph`);
  const opset = defaultOpset(model, context.identifier);
  if ((graph.sparseInitializer ?? []).length > 0) throw new CodedError('onnx/unsupported-model', `${context.identifier}: sparse initializers are not supported`);
  const initializers = await readInitializers(graph, context);
  const inputs = (graph.input ?? []).map(valueInfo).filter((v) => !initializers.has(v.name));
  const outputs = (graph.output ?? []).map(valueInfo);
  if (outputs.length === 0) throw new CodedError('onnx/invalid-model', `${context.identifier}: the graph declares no output`);
  const nodes = await readNodes(graph, context);
  const available = new Set([...inputs.map((v) => v.name), ...initializers.keys()]);
  const ordered = topologicalOrder(nodes, available, context.identifier);
  const produced = new Set([...available, ...nodes.flatMap((n) => n.outputs)]);
  for (const out of outputs) if (!produced.has(out.name)) throw new CodedError('onnx/invalid-model', `${context.identifier}: output ${out.name} is produced by no node`);
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  return { model, graph: { irVersion: toNumber(model.irVersion), opset, producer, inputs, outputs, initializers, nodes: ordered } };
}
