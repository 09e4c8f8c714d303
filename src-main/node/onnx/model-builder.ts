// A small typed builder for ONNX models made in code (engines, test fixtures): graph inputs and outputs with fixed or
// symbolic dims, numeric initializers stored as raw little-endian bytes, nodes with typed attributes, subgraphs
// (Loop bodies), opset import and IR version, and encoding through the shared schema.
import {
  AttributeProtoAttributeType,
  TensorProtoDataType,
  encodeModel,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-schema';
import type { AttrValueOf } from './attr-value';

/** A fixed size, or a symbolic name shared by every dim that must agree ('n', 'batch'). */
export type Dim = number | string;
export type ElemType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/** An attribute as the builder writes it (build with attr.*). */
export type AttrValue = AttrValueOf<TensorProto, GraphProto>;

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): AttrValue => ({ kind: 'strings', value }),
  tensor: (value: TensorProto): AttrValue => ({ kind: 'tensor', value }),
  /** A subgraph (Loop/If/Scan body); build it with GraphBuilder.subgraph() so names stay unique model-wide. */
  graph: (value: GraphBuilder | GraphProto): AttrValue => ({ kind: 'graph', value: value instanceof GraphBuilder ? value.toGraphProto() : value }),
};

export type Attrs = Readonly<Record<string, AttrValue>>;
export type TensorValues = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | readonly number[];

const DATA_TYPE: Record<ElemType, number> = {
  float32: TensorProtoDataType.FLOAT,
  float64: TensorProtoDataType.DOUBLE,
  int32: TensorProtoDataType.INT32,
  int64: TensorProtoDataType.INT64,
  bool: TensorProtoDataType.BOOL,
};

const utf8 = new TextEncoder();

/** Row-major values as ONNX raw_data (little-endian, which every platform onnxruntime-node ships for is). */
function rawBytes(type: ElemType, values: TensorValues): Uint8Array {
  let typed: ArrayBufferView;
  if (!Array.isArray(values)) typed = values as ArrayBufferView;
  else if (type === 'float32') typed = Float32Array.from(values);
  else if (type === 'float64') typed = Float64Array.from(values);
  else if (type === 'int32') typed = Int32Array.from(values);
  else if (type === 'int64') typed = BigInt64Array.from(values, (v) => BigInt(v));
  else typed = Uint8Array.from(values, (v) => (v ? 1 : 0));
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** A TensorProto (initializer or Constant value); raw bytes are viewed, not copied, until encode(). */
export function tensorProto(name: string, type: ElemType, dims: readonly number[], values: TensorValues): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  return { name, dataType: DATA_TYPE[type], dims: [...dims], rawData: rawBytes(type, values) };
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[] | undefined): ValueInfoProto {
  const shape = dims === undefined ? undefined : { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: { elemType: DATA_TYPE[type], shape } } };
}

function attributeProto(name: string, value: AttrValue): AttributeProto {
  const T = AttributeProtoAttributeType;
  switch (value.kind) {
    case 'int':
      return { name, type: T.INT, i: value.value };
    case 'float':
      return { name, type: T.FLOAT, f: value.value };
    case 'string':
      return { name, type: T.STRING, s: utf8.encode(value.value) };
    case 'ints':
      return { name, type: T.INTS, ints: [...value.value] };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...value.value] };
    case 'strings':
      return { name, type: T.STRINGS, strings: value.value.map((s) => utf8.encode(s)) };
    case 'tensor':
      return { name, type: T.TENSOR, t: value.value };
    case 'graph':
      return { name, type: T.GRAPH, g: value.value };
  }
}

/** Value names and the counter for generated ones, shared by a graph and its subgraphs (ONNX forbids shadowing). */
interface NameScope {
  readonly names: Set<string>;
  counter: number;
}

/**
 * One graph in topological order: declare inputs, add initializers and nodes, declare outputs.
 * `op` returns a fresh output name so graphs read like expressions: `const z = g.op('Relu', [x])`.
 * Nodes may read values of enclosing graphs by name (ONNX outer-scope references).
 */
export class GraphBuilder {
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];

  constructor(
    readonly graphName = 'graph',
    private readonly scope: NameScope = { names: new Set(), counter: 0 },
  ) {}

  /** A body graph for Loop/If/Scan sharing this graph's names. */
  subgraph(graphName: string): GraphBuilder {
    return new GraphBuilder(graphName, this.scope);
  }

  /** A graph input; dims undefined means rank unknown. Returns the name. */
  input(name: string, type: ElemType, dims?: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Marks an existing value as a graph output (dims optional: onnxruntime infers them). */
  output(name: string, type: ElemType, dims?: readonly Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** A constant tensor stored in the model; kernels may prepack it (e.g. MatMul weights). */
  initializer(name: string, type: ElemType, dims: readonly number[], values: TensorValues): string {
    this.claim(name);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  /** A float32 constant with a generated name; a scalar when dims is []. */
  constF32(values: readonly number[] | Float32Array, dims: readonly number[] = []): string {
    return this.initializer(this.fresh('c'), 'float32', dims, values);
  }

  /** An int64 constant with a generated name (shapes, axes); a 1-D tensor unless dims say otherwise. */
  constI64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(this.fresh('c'), 'int64', dims, values);
  }

  /** A node with explicit output names (multi-output ops). An empty input name marks an omitted optional input. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Attrs = {}, domain = ''): void {
    for (const output of outputs) if (output !== '') this.claim(output);
    this.nodes.push({
      opType,
      domain,
      name: `${this.graphName}/${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([key, value]) => attributeProto(key, value)),
    });
  }

  /** A single-output node; returns its output name (given, or generated from the op type). */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, outputName?: string): string {
    const output = outputName ?? this.fresh(opType.toLowerCase());
    this.node(opType, inputs, [output], attrs);
    return output;
  }

  /** A generated name that no value in this model uses yet. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.scope.counter++}`;
    while (this.scope.names.has(name));
    return name;
  }

  toGraphProto(): GraphProto {
    return { name: this.graphName, input: this.inputs, output: this.outputs, initializer: this.initializers, node: this.nodes };
  }

  private claim(name: string): void {
    if (this.scope.names.has(name)) throw new Error(`ONNX value name '${name}' is already defined`);
    this.scope.names.add(name);
  }
}

export interface ModelBuilderOptions {
  /** Default opset 17 of the ai.onnx domain (onnxruntime 1.30 runs up to 23). */
  readonly opset?: number;
  /** Default 8 (the IR that opset 17 shipped with). */
  readonly irVersion?: number;
  readonly graphName?: string;
  readonly producerName?: string;
}

/** The main graph plus model metadata (IR version, opset import); encode() gives bytes for InferenceSession.create. */
export class ModelBuilder extends GraphBuilder {
  constructor(private readonly options: ModelBuilderOptions = {}) {
    super(options.graphName ?? 'main');
  }

  toModelProto(): ModelProto {
    return {
      irVersion: this.options.irVersion ?? 8,
      producerName: this.options.producerName ?? 'ntk-workbench',
      opsetImport: [{ domain: '', version: this.options.opset ?? 17 }],
      graph: this.toGraphProto(),
    };
  }

  /** Protobuf bytes (copies initializer data once). */
  encode(): Uint8Array {
    return encodeModel(this.toModelProto());
  }
}
