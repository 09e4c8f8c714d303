// An imported graph as a DifferentiableModel: one float input (batch dim first, symbolic or fixed), one output
// flattened to [n, k], trainable parameters chosen by param-selection, optional final Softmax skipped for logits.
// A probe run at import checks shapes and that each sample's output does not depend on the rest of the batch.
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../../contract/result';
import type { DifferentiableModel } from '../../../core/models/differentiable-model';
import { paramCount, type ParamSet } from '../../../core/models/params';
import type { TensorParams } from '../../../core/models/tf-forward';
import { connectedParams, outputMatrix, probe, runBatched } from './batched-run';
import { compileGraph } from './graph-program';
import type { IrGraph } from './ir';
import type { ImportOptions } from './import-options';
import { chooseInput, chooseOutput, type BatchPolicy } from './model-io';
import { selectParams, type ParamInfo } from './param-selection';

export interface ModelSummary {
  readonly format: string;
  readonly identifier: string;
  readonly producer: string;
  readonly irVersion: number;
  readonly opset: number;
  readonly inputName: string;
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
  readonly paramInfo: readonly ParamInfo[];
  /** The parameter values stored in the file, in model.params order (float32). */
  readonly initialParams: ParamSet;
  /** The graph in the importer's IR (for the structured-kernel match). */
  readonly graph: IrGraph;
  /** A self-contained model (external data inlined) whose single output is `summary.outputName`, for onnxruntime. */
  readonly referenceBytes: Uint8Array;
  /** Frees constant tensors; the model must not be used afterwards. */
  dispose(): void;
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

/**
 * Builds the model from a read graph; throws CodedError for anything it cannot differentiate or run. The graph is
 * compiled once: initializers the output turns out not to depend on stay inputs of that program, fed as constants.
 */
export function buildImportedModel(source: ImportedGraph, options: ImportOptions = {}): ImportedModel {
  const { graph, identifier } = source;
  const input = chooseInput(graph, identifier, options.inputShape);
  const output = chooseOutput(graph, identifier, options);
  const candidates = selectParams(graph, options.freeze);
  const candidateParams: ParamSet = candidates.params.map((p) => {
    const values = Float32Array.from(graph.initializers.get(p.name)?.data ?? []);
    if (values.some((v) => !Number.isFinite(v))) throw new CodedError('onnx/invalid-model', `${identifier}: parameter ${p.name} holds non-finite values`);
    return { name: p.name, shape: p.shape, values };
  });
  const program = compileGraph(graph, input.name, output.name, new Set(candidates.params.map((p) => p.name)), candidates.constantReads);
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
    connected = connectedParams(program, batch, candidateTensors, input.sampleShape);
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
  return {
    inputShape: input.sampleShape,
    outputs,
    params: selection.params.map((p) => ({ name: p.name, shape: p.shape })),
    apply(params: TensorParams, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const n = x.shape[0];
        const shaped = x.rank === 1 + input.sampleShape.length ? x : tf.reshape(x, [n, ...input.sampleShape]);
        return outputMatrix(runBatched(program, finalBatch, unused.length > 0 ? { ...params, ...fixed } : params, shaped), n, identifier);
      });
    },
    summary,
    paramInfo: selection.params,
    initialParams,
    graph,
    referenceBytes: source.referenceFor(output.name),
    dispose: () => {
      program.dispose();
      tf.dispose(Object.values(fixed));
    },
  };
}
