// The ONNX entry of the importer registry: match() by extension and protobuf structure, open() reads the graph,
// builds the differentiable model and prepares a self-contained copy (external data inlined) for onnxruntime.
import { CodedError } from '../../../contract/result';
import { TensorProtoDataLocation, TensorProtoDataType, encodeModel, type ModelProto, type TensorProto } from '../onnx-schema';
import { externalDataReader } from './external-data';
import type { ImportContext } from './import-context';
import { buildImportedModel, type ImportedModel } from './imported-model';
import type { ImportOptions } from './import-options';
import type { ModelImporter } from './model-importer';
import { readOnnx } from './model-reader';
import { looksLikeOnnxModel } from './onnx-probe';

/** The model with every external tensor's bytes moved into raw_data (onnxruntime then needs no folder). */
async function inlineExternalData(model: ModelProto, context: ImportContext): Promise<ModelProto> {
  const initializers = model.graph?.initializer ?? [];
  if (!initializers.some((t) => t.dataLocation === TensorProtoDataLocation.EXTERNAL)) return model;
  const read = externalDataReader(context);
  const inlined: TensorProto[] = [];
  for (const t of initializers) {
    if (t.dataLocation !== TensorProtoDataLocation.EXTERNAL) inlined.push(t);
    else inlined.push({ name: t.name, dims: t.dims, dataType: t.dataType, rawData: await read(t.name ?? '', t.externalData ?? []) });
  }
  return { ...model, graph: { ...model.graph, initializer: inlined } };
}

/**
 * Bytes of `model` whose only output is `outputName` (float32), so an intermediate value can be compared. A file whose
 * only output already is that float value is given to onnxruntime as read: re-encoding megabytes of weights would
 * only copy them.
 */
function withSingleOutput(model: ModelProto, outputName: string, identifier: string, fileBytes?: Uint8Array): Uint8Array {
  const outputs = model.graph?.output ?? [];
  if (fileBytes && outputs.length === 1 && outputs[0].name === outputName && outputs[0].type?.tensorType?.elemType === TensorProtoDataType.FLOAT) return fileBytes;
  try {
    return encodeModel({ ...model, graph: { ...model.graph, output: [{ name: outputName, type: { tensorType: { elemType: TensorProtoDataType.FLOAT } } }] } });
  } catch (error) {
    throw new CodedError('onnx/invalid-model', `${identifier}: cannot re-encode the model for onnxruntime (${(error as Error).message})`);
  }
}

export const onnxImporter: ModelImporter = {
  name: 'onnx',
  extensions: ['.onnx'],
  match: (context) => looksLikeOnnxModel(context.bytes),
  async open(context: ImportContext, options: ImportOptions = {}): Promise<ImportedModel> {
    const { model, graph } = await readOnnx(context);
    const reference = await inlineExternalData(model, context);
    // The file's own bytes serve only when no external data had to be inlined into them.
    const fileBytes = reference === model ? context.bytes : undefined;
    return buildImportedModel({ graph, identifier: context.identifier, format: 'onnx', referenceFor: (name) => withSingleOutput(reference, name, context.identifier, fileBytes) }, options);
  },
};
