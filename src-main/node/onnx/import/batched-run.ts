// Running a compiled graph on a batch: in chunks when the file fixes the batch size, reshaped to [n, k], and the
// import-time probes (shapes work, samples do not mix, which parameters the output depends on).
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../../contract/result';
import type { TensorParams } from '../../../core/models/tf-forward';
import type { GraphProgram } from './graph-program';
import { sizeOf } from './ir';
import type { BatchPolicy } from './model-io';

/** Deterministic inputs for the import probe: smooth, sample-dependent, O(1). */
export function probeInputs(n: number, size: number): Float32Array {
  return Float32Array.from({ length: n * size }, (_, i) => Math.sin(0.37 * i + 0.11 * Math.floor(i / size)) * 0.8);
}

/** f(x) for x [n, ...] under the batch policy (a short last chunk is padded and its extra rows dropped). */
export function runBatched(program: GraphProgram, batch: BatchPolicy, params: TensorParams, x: tf.Tensor): tf.Tensor {
  const n = x.shape[0];
  if (batch.kind === 'dynamic' || n === batch.size) return program.run(params, x);
  const outs: tf.Tensor[] = [];
  for (let start = 0; start < n; start += batch.size) {
    const count = Math.min(batch.size, n - start);
    let chunk = tf.slice(x, start, count);
    // A short last chunk is filled with copies of its last sample; their outputs are dropped.
    if (count < batch.size) chunk = tf.concat([chunk, ...new Array<tf.Tensor>(batch.size - count).fill(tf.slice(x, n - 1, 1))]);
    const out = program.run(params, chunk);
    outs.push(count < batch.size ? tf.slice(out, 0, count) : out);
  }
  return outs.length === 1 ? outs[0] : tf.concat(outs);
}

/** out [n, ...] as [n, k]; anything without the batch first is an invalid model. */
export function outputMatrix(out: tf.Tensor, n: number, what: string): tf.Tensor2D {
  if (out.rank === 0 || out.shape[0] !== n)
    throw new CodedError('onnx/invalid-model', `${what}: the output has shape [${out.shape.join(', ')}] for a batch of ${n}; its first dimension must be the batch`);
  return tf.reshape(out, [n, out.size / n]) as tf.Tensor2D;
}

/** Probe: shapes work, and sample 0 alone gives what it gives inside a batch. Returns k, or throws. */
export function probe(program: GraphProgram, batch: BatchPolicy, params: TensorParams, sampleShape: readonly number[], identifier: string): number {
  const size = sizeOf(sampleShape);
  return tf.tidy(() => {
    const n = batch.kind === 'fixed' ? Math.max(2, batch.size) : 2;
    const x = tf.tensor(probeInputs(n, size), [n, ...sampleShape]);
    const all = outputMatrix(runBatched(program, batch, params, x), n, identifier);
    const first = outputMatrix(runBatched(program, batch, params, tf.slice(x, 0, 1)), 1, identifier);
    const a = tf.slice(all, [0, 0], [1, all.shape[1]]).dataSync();
    const b = first.dataSync();
    let scale = 1e-6;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    if (a.length !== b.length || diff > 1e-4 * scale)
      throw new CodedError('onnx/invalid-model', `${identifier}: a sample's output changes with the rest of the batch (by ${diff.toExponential(2)}); the graph mixes samples or bakes in a batch size`);
    return all.shape[1];
  });
}

let variableCounter = 0;

/** Parameters the output actually depends on through differentiable ops (tf.grads refuses any other). */
export function connectedParams(program: GraphProgram, batch: BatchPolicy, params: TensorParams, sampleShape: readonly number[], identifier: string): Set<string> {
  if (Object.keys(params).length === 0) return new Set();
  const variables = Object.entries(params).map(([name, t]) => tf.variable(t, true, `onnx-import/${variableCounter++}/${name}`));
  try {
    const named = Object.fromEntries(variables.map((v, i) => [Object.keys(params)[i], v]));
    const x = tf.tensor(probeInputs(1, sizeOf(sampleShape)), [1, ...sampleShape]);
    const { value, grads } = tf.variableGrads(() => tf.sum(runBatched(program, batch, named, x)) as tf.Scalar, variables);
    const connected = new Set(variables.flatMap((v, i) => (grads[v.name] ? [Object.keys(params)[i]] : [])));
    tf.dispose([x, value, ...Object.values(grads)]);
    return connected;
  } catch (error) {
    if (error instanceof CodedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // tfjs refuses when no variable reaches the output: then no parameter is trainable. Any other failure
    // (an op without a gradient) must not silently turn every weight into a constant.
    if (/^Cannot find a connection between any variable|^Cannot compute gradient of y=f\(x\)/.test(message)) return new Set();
    throw new CodedError('onnx/unsupported-op', `${identifier}: the output cannot be differentiated with respect to its weights (${message})`);
  } finally {
    tf.dispose(variables);
  }
}
