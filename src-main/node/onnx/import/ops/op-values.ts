// Helpers every translator shares: fetching inputs, demanding constants where ONNX allows data-dependent values we
// cannot differentiate through (shapes, axes, pads), axis normalisation, and coded errors that name the node.
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../../../contract/result';
import { isHost, sizeOf, type HostTensor } from '../ir';
import { MAX_ACTIVATION_ELEMENTS, checkShape } from '../limits';
import type { OpContext, Value } from './op-types';

export function fail(ctx: OpContext, code: 'onnx/unsupported-op' | 'onnx/shape-mismatch' | 'onnx/invalid-model', message: string): never {
  throw new CodedError(code, `node ${ctx.node.name} (${ctx.node.opType}): ${message}`);
}

export function required<T>(ctx: OpContext, inputs: readonly (T | undefined)[], index: number): T {
  const value = inputs[index];
  if (value === undefined) fail(ctx, 'onnx/invalid-model', `input ${index} is missing`);
  return value;
}

export function shapeOf(value: Value): readonly number[] {
  return isHost(value) ? value.shape : value.shape;
}

/** A constant input (shape, axes, pads, bounds); a value computed from the data cannot be used there. */
export function constant(ctx: OpContext, inputs: readonly (Value | undefined)[], index: number, what: string): HostTensor {
  const value = required(ctx, inputs, index);
  if (!isHost(value)) fail(ctx, 'onnx/unsupported-op', `${what} (input ${index}) depends on the data; only constant ${what} is supported`);
  return value;
}

/** Integer list from a constant input, or undefined when the input is omitted. */
export function constantInts(ctx: OpContext, inputs: readonly (Value | undefined)[], index: number, what: string): number[] | undefined {
  if (inputs[index] === undefined) return undefined;
  return Array.from(constant(ctx, inputs, index, what).data);
}

/** ONNX axis (negative counts from the end) -> 0-based, checked against the rank. */
export function normAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(ctx, 'onnx/shape-mismatch', `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Checks a shape the op is about to create, so an absurd one is refused before allocation. */
export function guardShape(ctx: OpContext, shape: readonly number[]): void {
  checkShape(shape, `node ${ctx.node.name} (${ctx.node.opType})`, MAX_ACTIVATION_ELEMENTS);
}

/** tf.reshape after checking sizes agree (tfjs' own message does not name the node). */
export function reshapeTo(ctx: OpContext, x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (sizeOf(shape) !== x.size) fail(ctx, 'onnx/shape-mismatch', `cannot reshape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  return tf.reshape(x, [...shape]);
}
