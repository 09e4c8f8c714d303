// Which graph input is x and which value is f(x): one float input with the batch first (symbolic, or fixed by the
// exporter), non-batch dims from the file or filled from the probe's sample shape, and the output under a final
// Softmax/LogSoftmax when logits are wanted.
import { CodedError } from '../../../contract/result';
import { TensorProtoDataType } from '../onnx-schema';
import type { IrGraph } from './ir';
import { checkShape } from './limits';
import type { ImportOptions } from './import-options';
import { dataTypeName } from './tensor-data';

/** A file that fixes its batch larger than this is refused: every probe chunk would be padded to it. */
const MAX_FIXED_BATCH = 4096;

/** dynamic: any batch size runs at once; fixed: the file bakes in a batch of `size`, so samples run in chunks of it. */
export type BatchPolicy = { readonly kind: 'dynamic' } | { readonly kind: 'fixed'; readonly size: number };

/** The graph's one input: its name, per-sample shape and batch policy; throws CodedError for anything else. */
export function chooseInput(graph: IrGraph, identifier: string, hint: readonly number[] | undefined): { name: string; sampleShape: number[]; batch: BatchPolicy } {
  if (graph.inputs.length !== 1)
    throw new CodedError('onnx/unsupported-model', `${identifier} has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); one input tensor is supported`);
  const input = graph.inputs[0];
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
  return { name: input.name, sampleShape, batch };
}

/** The output value and the Softmax/LogSoftmax skipped under it (through Identity nodes), if logits are wanted. */
export function chooseOutput(graph: IrGraph, identifier: string, options: ImportOptions): { name: string; skipped?: string } {
  const name = options.outputName ?? graph.outputs[0].name;
  if (!graph.outputs.some((o) => o.name === name)) throw new CodedError('onnx/invalid-model', `${identifier} has no output named ${name}`);
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
