// Node attributes: decoded from AttributeProto once (type taken from the field that is set when an old exporter left
// `type` empty), then read by translators through typed getters that name the node when something is off.
import { CodedError } from '../../../contract/result';
import { AttributeProtoAttributeType as AT, type AttributeProto, type GraphProto } from '../onnx-schema';
import type { ExternalDataReader } from './external-data';
import { toNumber } from './int64';
import type { AttrValue, HostTensor, IrNode, IrSubgraph } from './ir';
import { decodeTensor } from './tensor-data';

const utf8 = new TextDecoder();
const has = (a: AttributeProto, key: keyof AttributeProto) => Object.prototype.hasOwnProperty.call(a, key) && a[key] !== null && a[key] !== undefined;

function inferredType(a: AttributeProto): number {
  if (a.type) return a.type;
  if (has(a, 'f')) return AT.FLOAT;
  if (has(a, 'i')) return AT.INT;
  if (has(a, 's')) return AT.STRING;
  if (has(a, 't')) return AT.TENSOR;
  if (has(a, 'g')) return AT.GRAPH;
  if (a.floats?.length) return AT.FLOATS;
  if (a.ints?.length) return AT.INTS;
  if (a.strings?.length) return AT.STRINGS;
  return AT.UNDEFINED;
}

/** One AttributeProto as an AttrValue; a graph through `subgraph` (when given), lists of graphs, sparse tensors and type protos become 'unsupported' (refused on use). */
export async function decodeAttribute(a: AttributeProto, where: string, external?: ExternalDataReader, subgraph?: (g: GraphProto) => Promise<IrSubgraph>): Promise<AttrValue> {
  if (a.refAttrName) return { kind: 'unsupported', what: `a reference to function attribute ${a.refAttrName}` };
  switch (inferredType(a)) {
    case AT.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case AT.INT:
      return { kind: 'int', value: toNumber(a.i) };
    case AT.STRING:
      return { kind: 'string', value: utf8.decode(a.s ?? new Uint8Array()) };
    case AT.FLOATS:
      return { kind: 'floats', value: [...(a.floats ?? [])] };
    case AT.INTS:
      return { kind: 'ints', value: (a.ints ?? []).map((v) => toNumber(v)) };
    case AT.STRINGS:
      return { kind: 'strings', value: (a.strings ?? []).map((s) => utf8.decode(s)) };
    case AT.TENSOR:
      return { kind: 'tensor', value: await decodeTensor(a.t ?? {}, `${where} attribute ${a.name}`, external) };
    case AT.GRAPH:
      if (subgraph && a.g) return { kind: 'graph', value: await subgraph(a.g) };
      return { kind: 'unsupported', what: 'a subgraph (control flow)' };
    case AT.GRAPHS:
      return { kind: 'unsupported', what: 'a subgraph (control flow)' };
    default:
      return { kind: 'unsupported', what: `attribute type ${a.type ?? 0}` };
  }
}

/** Typed access to a node's attributes with ONNX defaults. */
export class AttrReader {
  constructor(
    private readonly node: IrNode,
    private readonly intOverrides: ReadonlyMap<string, readonly number[]> = new Map(),
  ) {}

  /** The same attributes with some integer lists replaced (1-D windows run as 2-D). */
  withInts(overrides: ReadonlyMap<string, readonly number[]>): AttrReader {
    return new AttrReader(this.node, new Map([...this.intOverrides, ...overrides]));
  }

  has(name: string): boolean {
    return this.intOverrides.has(name) || this.node.attrs.has(name);
  }

  int(name: string, fallback?: number): number {
    return this.get(name, 'int', fallback) as number;
  }

  float(name: string, fallback?: number): number {
    const value = this.node.attrs.get(name);
    // Some exporters write integral float attributes (alpha = 1) as ints.
    if (value?.kind === 'int') return value.value;
    return this.get(name, 'float', fallback) as number;
  }

  string(name: string, fallback?: string): string {
    return this.get(name, 'string', fallback) as string;
  }

  ints(name: string, fallback?: readonly number[]): readonly number[] {
    const override = this.intOverrides.get(name);
    if (override) return override;
    const value = this.node.attrs.get(name);
    if (value?.kind === 'int') return [value.value];
    return this.get(name, 'ints', fallback) as readonly number[];
  }

  strings(name: string, fallback?: readonly string[]): readonly string[] {
    return this.get(name, 'strings', fallback) as readonly string[];
  }

  floats(name: string, fallback?: readonly number[]): readonly number[] {
    return this.get(name, 'floats', fallback) as readonly number[];
  }

  graph(name: string): IrSubgraph {
    return this.get(name, 'graph') as IrSubgraph;
  }

  tensor(name: string): HostTensor | undefined {
    const value = this.node.attrs.get(name);
    if (value === undefined) return undefined;
    return this.get(name, 'tensor') as HostTensor;
  }

  private get(name: string, kind: AttrValue['kind'], fallback?: unknown): unknown {
    const value = this.node.attrs.get(name);
    if (value === undefined) {
      if (fallback === undefined) throw new CodedError('onnx/invalid-model', `node ${this.node.name} (${this.node.opType}) needs attribute ${name}`);
      return fallback;
    }
    if (value.kind === 'unsupported') throw new CodedError('onnx/unsupported-op', `node ${this.node.name} (${this.node.opType}): attribute ${name} is ${value.what}`);
    if (value.kind !== kind) throw new CodedError('onnx/invalid-model', `node ${this.node.name} (${this.node.opType}): attribute ${name} is ${value.kind}, expected ${kind}`);
    return value.value;
  }
}
