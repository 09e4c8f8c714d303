// Which graph input is x and which value is f(x): one float input with the batch first (others bound to constants) (symbolic, or fixed by the
// exporter), non-batch dims from the file or filled from the probe's sample shape, and the output under a final
// Softmax/LogSoftmax when logits are wanted.
import { CodedError } from '../../../contract/result';
import { TensorProtoDataType } from '../onnx-schema';
import { bindInput, type BindSpec, type Binding } from './input-binding';
import type { IrGraph, IrValueInfo } from './ir';
import { checkShape } from './limits';
import type { ImportOptions } from './import-options';
import { dataTypeName } from './tensor-data';

/** A file that fixes its batch larger than this is refused: every probe chunk would be padded to it. */
const MAX_FIXED_BATCH = 4096;

/** dynamic: any batch size runs at once; fixed: the file bakes in a batch of `size`, so samples run in chunks of it. */
export type BatchPolicy = { readonly kind: 'dynamic' } | { readonly kind: 'fixed'; readonly size: number };

/** Which graph input is the sample: the named one, else the first one not bound. */
function sampleInput(graph: IrGraph, identifier: string, options: Pick<ImportOptions, 'inputName' | 'bind'>): IrValueInfo {
  const bind = options.bind ?? {};
  if (options.inputName !== undefined) {
    const named = graph.inputs.find((i) => i.name === options.inputName);
    if (!named) throw new CodedError('onnx/invalid-model', `${identifier} has no input named ${options.inputName} (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
    return named;
  }
  // Exporters put the sample first: the first input without a value is taken, and any other unbound one is refused.
  const free = graph.inputs.filter((i) => !(i.name in bind));
  if (free.length === 0) throw new CodedError('onnx/invalid-model', `${identifier}: every input (${graph.inputs.map((i) => i.name).join(', ')}) is bound; one must take the samples`);
  return free[0];
}

/** The sample input: its name, per-sample shape and batch policy, and the other inputs bound; throws CodedError for anything else. */
export function chooseInput(
  graph: IrGraph,
  identifier: string,
  hint: readonly number[] | undefined,
  options: Pick<ImportOptions, 'inputName' | 'bind' | 'bindDefault'> = {},
): { name: string; sampleShape: number[]; batch: BatchPolicy; bindings: Binding[] } {
  const input = sampleInput(graph, identifier, options);
  const others = graph.inputs.filter((i) => i !== input);
  const fallback = options.bindDefault;
  const specOf = (name: string) => (options.bind ?? {})[name] ?? (fallback as BindSpec);
  const unbound = fallback === undefined ? others.filter((i) => !(i.name in (options.bind ?? {}))) : [];
  if (unbound.length > 0)
    throw new CodedError('onnx/unsupported-model', `${identifier}: inputs ${unbound.map((i) => i.name).join(', ')} besides the sample input ${input.name} need values (--bind name=zeros|value|file; --input chooses another sample input)`);
  const unknown = Object.keys(options.bind ?? {}).filter((name) => !others.some((i) => i.name === name));
  if (unknown.length > 0) throw new CodedError('onnx/invalid-model', `${identifier}: no other input is named ${unknown.join(', ')} (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
  const bindings = others.map((i) => bindInput(i, specOf(i.name), input.dims?.[0], identifier));
  if (input.elemType !== TensorProtoDataType.FLOAT)
    throw new CodedError('onnx/unsupported-model', `${identifier}: input ${input.name} is ${dataTypeName(input.elemType)}; a float32 input is supported`);
  const dims = input.dims;
  if (dims && dims.length === 0) throw new CodedError('onnx/unsupported-model', `${identifier}: input ${input.name} is a scalar; it needs a batch dimension`);
  const declared = dims ? dims.slice(1) : undefined;
  const known = declared?.every((d): d is number => typeof d === 'number');
  let sampleShape: number[];
  if (declared && known) sampleShape = declared as number[];
  else if (hint && (!declared || declared.length === hint.length)) sampleShape = (declared ?? hint).map((d, i) => (typeof d === 'number' ? d : hint[i]));
  else
    throw new CodedError('onnx/unsupported-model', `${identifier}: input ${input.name} has dims [${(dims ?? ['?']).join(', ')}]; give the sample shape (a probe set does) to fill the symbolic ones`);
  checkShape([1, ...sampleShape], `${identifier} input ${input.name}`);
  if (sampleShape.some((d) => d < 1)) throw new CodedError('onnx/invalid-model', `${identifier}: input ${input.name} has an empty dimension [${sampleShape.join(', ')}]`);
  const batchDim = dims?.[0];
  const batch: BatchPolicy = typeof batchDim === 'number' && batchDim >= 1 ? { kind: 'fixed', size: batchDim } : { kind: 'dynamic' };
  if (batch.kind === 'fixed') {
    checkShape([batch.size, ...sampleShape], `${identifier} input ${input.name}`);
    if (batch.size > MAX_FIXED_BATCH) throw new CodedError('onnx/invalid-model', `${identifier}: input ${input.name} fixes the batch at ${batch.size} (absurd dimensions; export with a symbolic batch)`);
  }
  return { name: input.name, sampleShape, batch, bindings };
}

/** The output value and the Softmax/LogSoftmax skipped under it (through Identity nodes), if logits are wanted. */
export function chooseOutput(graph: IrGraph, identifier: string, options: ImportOptions): { name: string; skipped?: string } {
  const name = options.outputName ?? graph.outputs[0].name;
  // Any value a node produces may be f(x) (a pre-activation, as the saturation warning suggests), not only graph outputs.
  if (!graph.outputs.some((o) => o.name === name) && !graph.nodes.some((n) => n.outputs.includes(name))) throw new CodedError('onnx/invalid-model', `${identifier} has no output or node value named ${name}`);
  if (options.logits === false) return { name };
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((v) => [v, n] as const)));
  let current = name;
  for (let node = producer.get(current); node; node = producer.get(current)) {
    if (node.opType === 'Identity') current = node.inputs[0];
    else if (node.opType === 'Softmax' || node.opType === 'LogSoftmax') return { name: node.inputs[0], skipped: `${node.opType} ${node.name}` };
    else break;
  }
  return { name };
}
