// An imported graph as a DifferentiableModel: one float input (batch dim first, symbolic or fixed), one output
// flattened to [n, k], trainable parameters chosen by param-selection, optional final Softmax skipped for logits.
// A probe run at import checks shapes and that each sample's output does not depend on the rest of the batch.
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../../contract/result';
import type { DifferentiableModel } from '../../../core/models/differentiable-model';
import { paramCount, type ParamSet } from '../../../core/models/params';
import type { TensorParams } from '../../../core/models/tf-forward';
import { connectedParams, outputMatrix, probe, runBatched } from './batched-run';
import { compileGraph, type ValueHook } from './graph-program';
import type { IrGraph } from './ir';
import type { ImportOptions } from './import-options';
import { chooseInput, chooseOutput, type BatchPolicy } from './model-io';
import type { Binding } from './input-binding';
import type { ImportParamDto } from '../../../contract/api';
import { selectParams } from './param-selection';

export interface ModelSummary {
  readonly format: string;
  readonly identifier: string;
  readonly producer: string;
  readonly irVersion: number;
  readonly opset: number;
  readonly inputName: string;
  /** The other graph inputs and what they are bound to ("zeros", "16000", "tensor [1, 1, 16]"). */
  readonly bound: Readonly<Record<string, string>>;
  /** The value f(x) is read from (the Softmax input when one was skipped). */
  readonly outputName: string;
  readonly skippedOutputOp?: string;
  readonly batch: BatchPolicy;
  /** Node count per op type in the graph. */
  readonly ops: Readonly<Record<string, number>>;
  readonly paramCount: number;
  readonly constants: readonly string[];
  readonly frozen: readonly string[];
  /** Initializers in weight slots that the chosen output does not depend on (kept constant). */
  readonly unused: readonly string[];
}

export interface ImportedModel extends DifferentiableModel {
  readonly summary: ModelSummary;
  readonly paramInfo: readonly ImportParamDto[];
  /** The parameter values stored in the file, in model.params order (float32). */
  readonly initialParams: ParamSet;
  /** The graph in the importer's IR (for the structured-kernel match). */
  readonly graph: IrGraph;
  /** A self-contained model (external data inlined) whose single output is `summary.outputName`, for onnxruntime. */
  readonly referenceBytes: Uint8Array;
  /** The other graph inputs, bound to constants (onnxruntime is fed the same values). */
  readonly bindings: readonly Binding[];
  /** Where f(x) is a Sigmoid or Softmax: its input (the logits), compared with onnxruntime where the output saturates. */
  readonly preactivation?: Preactivation;
  /**
   * f(x) [n, k] in one run of the graph with `hook` on every value (the structured eNTK's taps). x must be one batch
   * the file accepts: any n for a dynamic batch, exactly the fixed size otherwise (summary.batch).
   */
  applyHooked(params: TensorParams, x: tf.Tensor, hook: ValueHook): tf.Tensor2D;
  /** Frees constant tensors; the model must not be used afterwards. */
  dispose(): void;
}

export interface Preactivation {
  /** The value under the final activation, and that activation's op type. */
  readonly name: string;
  readonly op: string;
  /** The file with `name` as its single output, for onnxruntime. */
  readonly referenceBytes: Uint8Array;
  /** The pre-activation values [n, m] at `params` for x [n, ...inputShape], float32; compiled on first use. */
  apply(params: TensorParams, x: tf.Tensor): tf.Tensor2D;
}

export interface ImportedGraph {
  readonly graph: IrGraph;
  readonly identifier: string;
  readonly format: string;
  /** Builds the onnxruntime reference for a chosen output value. */
  readonly referenceFor: (outputName: string) => Uint8Array;
}

function opCounts(graph: IrGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of graph.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  return counts;
}

/** The Sigmoid or Softmax that produces `output` (through Identity nodes), with its input. */
function finalActivation(graph: IrGraph, output: string): { op: string; input: string } | undefined {
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((v) => [v, n] as const)));
  let node = producer.get(output);
  while (node?.opType === 'Identity') node = producer.get(node.inputs[0]);
  return node && (node.opType === 'Sigmoid' || node.opType === 'Softmax') ? { op: node.opType, input: node.inputs[0] } : undefined;
}

/**
 * Builds the model from a read graph; throws CodedError for anything it cannot differentiate or run. The graph is
 * compiled once: initializers the output turns out not to depend on stay inputs of that program, fed as constants.
 */
export function buildImportedModel(source: ImportedGraph, options: ImportOptions = {}): ImportedModel {
  const { graph, identifier } = source;
  const input = chooseInput(graph, identifier, options.inputShape, options);
  const output = chooseOutput(graph, identifier, options);
  const candidates = selectParams(graph, options.freeze);
  const candidateParams: ParamSet = candidates.params.map((p) => {
    const values = Float32Array.from(graph.initializers.get(p.name)?.data ?? []);
    if (values.some((v) => !Number.isFinite(v))) throw new CodedError('onnx/invalid-model', `${identifier}: parameter ${p.name} holds non-finite values`);
    return { name: p.name, shape: p.shape, values };
  });
  const program = compileGraph(graph, input.name, output.name, new Set(candidates.params.map((p) => p.name)), candidates.constantReads, graph.opset, input.bindings);
  const candidateTensors: TensorParams = Object.fromEntries(candidateParams.map((p) => [p.name, tf.tensor(p.values, [...p.shape])]));
  let batch = input.batch;
  let outputs: number;
  let connected: Set<string>;
  try {
    try {
      outputs = probe(program, batch, candidateTensors, input.sampleShape, identifier);
    } catch (error) {
      // Exporters often bake the trace-time batch into reshapes although the input dim is symbolic: run per sample.
      if (batch.kind !== 'dynamic' || !(error instanceof CodedError) || (error.code !== 'onnx/shape-mismatch' && error.code !== 'onnx/invalid-model')) throw error;
      batch = { kind: 'fixed', size: 1 };
      try {
        outputs = probe(program, batch, candidateTensors, input.sampleShape, identifier);
      } catch {
        throw error;
      }
    }
    // Initializers in weight slots that the chosen output does not depend on (other outputs, shape-only uses) stay constant.
    connected = connectedParams(program, batch, candidateTensors, input.sampleShape, identifier);
  } catch (error) {
    program.dispose();
    tf.dispose(Object.values(candidateTensors));
    throw error;
  }
  const unused = candidates.params.filter((p) => !connected.has(p.name)).map((p) => p.name);
  const selection = unused.length === 0 ? candidates : { ...candidates, params: candidates.params.filter((p) => connected.has(p.name)), constants: [...candidates.constants, ...unused] };
  const initialParams = candidateParams.filter((p) => connected.has(p.name));
  const fixed: TensorParams = Object.fromEntries(unused.map((name) => [name, candidateTensors[name]]));
  tf.dispose(Object.entries(candidateTensors).flatMap(([name, t]) => (connected.has(name) ? [t] : [])));
  const summary: ModelSummary = {
    format: source.format,
    identifier,
    producer: graph.producer,
    irVersion: graph.irVersion,
    opset: graph.opset,
    inputName: input.name,
    bound: Object.fromEntries(input.bindings.map((b) => [b.name, b.describe])),
    outputName: output.name,
    skippedOutputOp: output.skipped,
    batch,
    ops: opCounts(graph),
    paramCount: paramCount(initialParams),
    constants: selection.constants,
    frozen: selection.frozen,
    unused,
  };
  const finalBatch = batch;
  const lastOp = finalActivation(graph, output.name);
  let preProgram: ReturnType<typeof compileGraph> | undefined;
  const candidateNames = new Set(candidates.params.map((p) => p.name));
  const shapedInput = (x: tf.Tensor) => (x.rank === 1 + input.sampleShape.length ? x : tf.reshape(x, [x.shape[0], ...input.sampleShape]));
  const preactivation: Preactivation | undefined = lastOp && {
    name: lastOp.input,
    op: lastOp.op,
    referenceBytes: source.referenceFor(lastOp.input),
    apply(params, x) {
      preProgram ??= compileGraph(graph, input.name, lastOp.input, candidateNames, candidates.constantReads, graph.opset, input.bindings);
      const pre = preProgram;
      return tf.tidy(() => outputMatrix(runBatched(pre, finalBatch, unused.length > 0 ? { ...params, ...fixed } : params, shapedInput(x)), x.shape[0], identifier));
    },
  };
  return {
    inputShape: input.sampleShape,
    outputs,
    params: selection.params.map((p) => ({ name: p.name, shape: p.shape })),
    apply(params: TensorParams, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => outputMatrix(runBatched(program, finalBatch, unused.length > 0 ? { ...params, ...fixed } : params, shapedInput(x)), x.shape[0], identifier));
    },
    applyHooked(params: TensorParams, x: tf.Tensor, hook: ValueHook): tf.Tensor2D {
      return outputMatrix(program.run(unused.length > 0 ? { ...params, ...fixed } : params, shapedInput(x), hook), x.shape[0], identifier);
    },
    summary,
    paramInfo: selection.params,
    initialParams,
    graph,
    referenceBytes: source.referenceFor(output.name),
    bindings: input.bindings,
    ...(preactivation ? { preactivation } : {}),
    dispose: () => {
      program.dispose();
      preProgram?.dispose();
      tf.dispose(Object.values(fixed));
    },
  };
}
