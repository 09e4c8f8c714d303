// The shape of an op translator: a differentiable tfjs evaluation, optionally a host evaluation for shape arithmetic
// (Shape/Gather/Concat idioms, constant folding), and the input slots that hold weights and biases.
import type * as tf from '@tensorflow/tfjs-core';
import type { AttrReader } from '../attributes';
import type { HostTensor, IrNode, IrSubgraph } from '../ir';

/** What flows along an edge: a tfjs tensor (data-dependent, maybe differentiated) or a host constant. */
export type Value = tf.Tensor | HostTensor;

export interface OpContext {
  readonly node: IrNode;
  readonly attrs: AttrReader;
  /** The model's ai.onnx opset: attributes moved to inputs at 10-13 and defaults changed (Softmax axis at 13). */
  readonly opset: number;
  /** The value as a float32 tensor ('int32' for indices); constants are converted once and cached by the program. */
  tensor(value: Value, dtype?: 'float32' | 'int32'): tf.Tensor;
  /** Runs a subgraph attribute (an If branch) in the current scope and returns its outputs; only while the graph runs. */
  runSubgraph?(graph: IrSubgraph): Value[];
}

export interface OpTranslator {
  /** Differentiable evaluation; an omitted optional input ('') is undefined. One entry per node output. */
  run(ctx: OpContext, inputs: readonly (Value | undefined)[]): (Value | undefined)[];
  /** Evaluation when every given input is a host constant; absent means the op always runs on tensors. */
  host?(ctx: OpContext, inputs: readonly (HostTensor | undefined)[]): HostTensor[];
  /** Input slots that hold trainable parameters when fed by a float initializer (weights, biases, affine scales). */
  readonly paramSlots?: readonly number[];
}

export type OpTable = Readonly<Record<string, OpTranslator>>;
