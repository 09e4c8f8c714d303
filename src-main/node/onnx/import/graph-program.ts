// The executable form of an imported graph: nodes the chosen output needs, constants folded on the host once, and a
// run() that evaluates the rest on tfjs tensors (differentiable in the parameters) with shape idioms on the host.
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../../contract/result';
import type { TensorParams } from '../../../core/models/tf-forward';
import { AttrReader } from './attributes';
import type { Binding } from './input-binding';
import { isHost, type HostTensor, type IrGraph, type IrNode, type IrSubgraph } from './ir';
import { translatorFor } from './ops/op-registry';
import type { OpContext, OpTranslator, Value } from './ops/op-types';
import { VIEW_OPS, readKey } from './param-selection';

interface Step {
  readonly node: IrNode;
  readonly translator: OpTranslator;
  readonly attrs: AttrReader;
}

/** Sees every tensor value of the outer graph as it is made (the input first) and may replace it (a tap). */
export type ValueHook = (name: string, value: tf.Tensor) => tf.Tensor;

export interface GraphProgram {
  /** Nodes left to run per call after folding. */
  readonly steps: number;
  /** The chosen output for input x [n, ...] (float32), differentiable in `params`; call inside tf.tidy. */
  run(params: TensorParams, x: tf.Tensor, hook?: ValueHook): tf.Tensor;
  /** Frees the constant tensors made at compile time. */
  dispose(): void;
}

function nodeError(node: IrNode, error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = /shape|rank|dimension|size|broadcast|match/i.test(message) ? 'onnx/shape-mismatch' : 'onnx/invalid-model';
  return new CodedError(code, `node ${node.name} (${node.opType}): ${message}`);
}

/** The nodes `output` depends on, in order. */
export function neededNodes(graph: IrGraph, output: string): IrNode[] {
  const producer = new Map<string, IrNode>();
  for (const node of graph.nodes) for (const v of node.outputs) producer.set(v, node);
  const needed = new Set<IrNode>();
  const stack = [output];
  while (stack.length > 0) {
    const node = producer.get(stack.pop() as string);
    if (!node || needed.has(node)) continue;
    needed.add(node);
    stack.push(...node.inputs.filter((v) => v !== ''), ...node.implicit);
  }
  return graph.nodes.filter((n) => needed.has(n));
}

/** Refuses the whole graph at once, listing every unsupported op type with the nodes that use it. */
function checkSupported(nodes: readonly IrNode[]): void {
  const missing = new Map<string, string[]>();
  for (const node of nodes) {
    if (translatorFor(node.opType, node.domain)) continue;
    const key = node.domain ? `${node.domain}::${node.opType}` : node.opType;
    missing.set(key, [...(missing.get(key) ?? []), node.name]);
  }
  if (missing.size === 0) return;
  const list = [...missing].map(([op, names]) => `${op} (${names.slice(0, 5).join(', ')}${names.length > 5 ? `, ... ${names.length} nodes` : ''})`);
  throw new CodedError('onnx/unsupported-op', `unsupported ops: ${list.join('; ')}`);
}

/** Host values of parameters and of view ops on them, for the reads that must not carry a gradient. */
function parameterShadows(graph: IrGraph, nodes: readonly IrNode[], paramNames: ReadonlySet<string>, statics: ReadonlyMap<string, HostTensor>, opset: number): Map<string, HostTensor> {
  const shadows = new Map<string, HostTensor>();
  for (const name of paramNames) shadows.set(name, graph.initializers.get(name) as HostTensor);
  for (const node of nodes) {
    if (!VIEW_OPS.has(node.opType) || !shadows.has(node.inputs[0])) continue;
    const inputs = node.inputs.map((v, i) => (i === 0 ? shadows.get(v) : statics.get(v)));
    const translator = translatorFor(node.opType, node.domain) as OpTranslator;
    const ctx: OpContext = { node, attrs: new AttrReader(node), opset, tensor: () => { throw new Error('host only'); } };
    try {
      translator.host?.(ctx, inputs).forEach((out, i) => out && shadows.set(node.outputs[i], out));
    } catch {
      // A view that cannot be evaluated here fails again, with a coded error, when the program runs it.
    }
  }
  return shadows;
}

/**
 * Compiles `graph` for one input and one output (other inputs come from `bindings`). `paramNames` are initializers supplied per call (never folded);
 * `constantReads` (see param-selection) read their host values instead. Cost: folding runs every host-evaluable
 * node whose inputs are all constant once, here.
 */
export function compileGraph(
  graph: IrGraph,
  inputName: string,
  outputName: string,
  paramNames: ReadonlySet<string>,
  constantReads: ReadonlySet<string> = new Set(),
  opset = graph.opset,
  bindings: readonly Binding[] = [],
): GraphProgram {
  const nodes = neededNodes(graph, outputName);
  checkSupported(nodes);
  const statics = new Map<string, HostTensor>();
  for (const [name, tensor] of graph.initializers) if (!paramNames.has(name)) statics.set(name, tensor);
  const shadows = constantReads.size > 0 ? parameterShadows(graph, nodes, paramNames, statics, opset) : new Map<string, HostTensor>();
  const constantInput = (node: IrNode, slot: number, value: string) => (constantReads.has(readKey(node, slot)) ? shadows.get(value) : undefined);
  const staticTensors = new Map<HostTensor, tf.Tensor>();
  const makeContext = (step: Omit<Step, 'translator'>, dynamic: boolean): OpContext => ({
    node: step.node,
    attrs: step.attrs,
    opset,
    tensor(value, dtype = 'float32') {
      if (!isHost(value)) return value;
      const cached = dtype === 'float32' ? staticTensors.get(value) : undefined;
      if (cached) return cached;
      const t = tf.tensor(dtype === 'int32' ? Int32Array.from(value.data) : Float32Array.from(value.data), [...value.shape], dtype);
      if (!dynamic && dtype === 'float32') staticTensors.set(value, tf.keep(t));
      return t;
    },
  });

  const branchSteps = new Map<IrSubgraph, Step[]>();
  /** A branch's steps, made on first use; an op without a translator is refused when its branch is taken. */
  const subgraphSteps = (sub: IrSubgraph): Step[] => {
    let list = branchSteps.get(sub);
    if (!list) {
      checkSupported(sub.nodes);
      list = sub.nodes.map((node) => ({ node, translator: translatorFor(node.opType, node.domain) as OpTranslator, attrs: new AttrReader(node) }));
      branchSteps.set(sub, list);
    }
    return list;
  };
  const steps: Step[] = [];
  for (const node of nodes) {
    const translator = translatorFor(node.opType, node.domain) as OpTranslator;
    const step = { node, translator, attrs: new AttrReader(node) };
    const inputs = node.inputs.map((v, i) => (v === '' ? undefined : (constantInput(node, i, v) ?? statics.get(v))));
    const foldable = translator.host && node.inputs.every((v, i) => v === '' || inputs[i] !== undefined);
    if (!foldable) {
      steps.push(step);
      continue;
    }
    try {
      const outputs = (translator.host as NonNullable<OpTranslator['host']>)(makeContext(step, false), inputs);
      node.outputs.forEach((v, i) => outputs[i] && v !== '' && statics.set(v, outputs[i]));
    } catch (error) {
      throw nodeError(node, error);
    }
  }
  // Constants that live steps read as tensors are made once, outside any tidy, and kept until dispose().
  for (const step of steps)
    for (const [i, v] of step.node.inputs.entries()) {
      const host = constantInput(step.node, i, v) ?? statics.get(v);
      if (host && host.dtype !== 'int' && host.dtype !== 'bool' && !staticTensors.has(host)) staticTensors.set(host, tf.tensor(Float32Array.from(host.data), [...host.shape], 'float32'));
    }

  return {
    steps: steps.length,
    run(params, x, hook) {
      // Bound inputs are host constants for this batch size (shape arithmetic on them folds like any constant's).
      const values = new Map<string, Value>([[inputName, hook ? hook(inputName, x) : x], ...bindings.map((b) => [b.name, b.valueFor(x.shape[0])] as const)]);
      const lookup = (name: string, reader: IrNode): Value => {
        const value = values.get(name) ?? statics.get(name) ?? (paramNames.has(name) ? params[name] : undefined);
        if (value === undefined) throw new CodedError('onnx/unsupported-op', `node ${reader.name} (${reader.opType}) reads ${name}, an optional output the importer does not produce`);
        return value;
      };
      const runSteps = (list: readonly Step[], outer: boolean): void => {
        for (const step of list) {
          const { node, translator } = step;
          try {
            const inputs = node.inputs.map((v, i) => (v === '' ? undefined : ((outer ? constantInput(node, i, v) : undefined) ?? lookup(v, node))));
            const ctx: OpContext = { ...makeContext(step, true), runSubgraph: (sub) => runSubgraph(sub) };
            const onHost = translator.host && inputs.every((v) => v === undefined || isHost(v));
            const outputs = onHost ? (translator.host as NonNullable<OpTranslator['host']>)(ctx, inputs as (HostTensor | undefined)[]) : translator.run(ctx, inputs);
            node.outputs.forEach((v, i) => {
              const out = outputs[i];
              if (out !== undefined && v !== '') values.set(v, hook && outer && !isHost(out) ? hook(v, out) : out);
            });
          } catch (error) {
            throw nodeError(node, error);
          }
        }
      };
      // A branch runs in the enclosing scope (ONNX outer-scope reads); its own names are unique model-wide.
      const runSubgraph = (sub: IrSubgraph): Value[] => {
        for (const [name, t] of sub.initializers) values.set(name, t);
        runSteps(subgraphSteps(sub), false);
        return sub.outputs.map((name) => values.get(name) ?? statics.get(name) ?? (paramNames.has(name) ? params[name] : undefined) ?? fail(name));
      };
      const fail = (name: string): never => {
        throw new CodedError('onnx/invalid-model', `a branch returns ${name}, which it does not compute`);
      };
      runSteps(steps, true);
      const out = values.get(outputName) ?? statics.get(outputName) ?? params[outputName];
      if (out === undefined) throw new CodedError('onnx/invalid-model', `output ${outputName} was not computed`);
      return isHost(out) ? tf.tensor(Float32Array.from(out.data), [...out.shape]) : out;
    },
    dispose() {
      for (const t of staticTensors.values()) t.dispose();
      staticTensors.clear();
    },
  };
}
