// The importer's own view of an ONNX graph, decoded once from the protobuf messages: plain numbers instead of Long
// objects, attributes by name, constants as host arrays. Translators, folding and parameter selection read only this.
import type { AttrValueOf } from '../attr-value';

/** Element types the importer computes with; every integer type is held as exact float64 numbers (shapes, axes). */
export type HostDtype = 'float32' | 'float64' | 'int' | 'bool';

/** A constant known without running the model (initializer, Constant node, folded shape arithmetic). Row-major. */
export interface HostTensor {
  readonly kind: 'host';
  readonly dtype: HostDtype;
  readonly shape: readonly number[];
  /** float32 initializers keep their Float32Array (they may become parameters); everything else is float64. */
  readonly data: Float32Array | Float64Array;
}

/** An attribute as the importer holds it; kinds it cannot read are 'unsupported' (refused on use). */
export type AttrValue = AttrValueOf<HostTensor, IrSubgraph> | { readonly kind: 'unsupported'; readonly what: string };

/** A control-flow body (If branch): its nodes in order, its own initializers, the values it returns. */
export interface IrSubgraph {
  readonly nodes: readonly IrNode[];
  readonly initializers: ReadonlyMap<string, HostTensor>;
  readonly outputs: readonly string[];
}

export interface IrNode {
  /** The node's name, or a generated `#index opType` when the file leaves it empty (ONNX allows that). */
  readonly name: string;
  readonly opType: string;
  /** '' for the default ai.onnx domain. */
  readonly domain: string;
  /** '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttrValue>;
  /** Outer-scope values its subgraphs read (control flow); empty for every other node. */
  readonly implicit: readonly string[];
}

/** A graph input or output: element type (ONNX TensorProto.DataType code) and dims (number, symbolic name, or unknown). */
export interface IrValueInfo {
  readonly name: string;
  readonly elemType: number;
  /** undefined: rank unknown. A string dim is symbolic; null is a dim with neither value nor name. */
  readonly dims: readonly (number | string | null)[] | undefined;
}

export interface IrGraph {
  readonly irVersion: number;
  /** Version of the default (ai.onnx) opset the model imports. */
  readonly opset: number;
  readonly producer: string;
  /** Real inputs only (IR < 4 files also list initializers as inputs; those are dropped here). */
  readonly inputs: readonly IrValueInfo[];
  readonly outputs: readonly IrValueInfo[];
  /** Initializers in file order. */
  readonly initializers: ReadonlyMap<string, HostTensor>;
  /** Nodes in a topological order. */
  readonly nodes: readonly IrNode[];
}

export function hostTensor(dtype: HostDtype, shape: readonly number[], data: Float32Array | Float64Array): HostTensor {
  return { kind: 'host', dtype, shape: [...shape], data };
}

export function isHost(value: unknown): value is HostTensor {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'host';
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isFloat(dtype: HostDtype): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
