// Tensors stored outside the .onnx file (TensorProto.data_location = EXTERNAL): location, offset and length read
// from external_data entries, files fetched once through the import context and sliced per tensor.
import { CodedError } from '../../../contract/result';
import type { StringStringEntryProto } from '../onnx-schema';
import type { ImportContext } from './import-context';

export type ExternalDataReader = (tensorName: string, entries: readonly StringStringEntryProto[]) => Promise<Uint8Array>;

function nonNegativeInt(text: string | undefined, key: string, tensorName: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new CodedError('onnx/invalid-model', `tensor ${tensorName}: external_data ${key} "${text}" is not a byte count`);
  return value;
}

/** A reader for one model's external data; each sibling file is read once however many tensors share it. */
export function externalDataReader(context: ImportContext): ExternalDataReader {
  const files = new Map<string, Promise<Uint8Array | undefined>>();
  return async (tensorName, entries) => {
    const fields = new Map(entries.map((e) => [e.key ?? '', e.value ?? '']));
    const location = fields.get('location');
    if (!location) throw new CodedError('onnx/invalid-model', `tensor ${tensorName}: external data without a location`);
    const offset = nonNegativeInt(fields.get('offset'), 'offset', tensorName) ?? 0;
    const length = nonNegativeInt(fields.get('length'), 'length', tensorName);
    let file = files.get(location);
    if (!file) {
      file = context.readSibling(location);
      files.set(location, file);
    }
    const bytes = await file;
    if (!bytes)
      throw new CodedError('onnx/missing-external-data', `${context.identifier}: tensor ${tensorName} is stored in ${location}, which is not beside the model (give the whole folder)`);
    const end = length === undefined ? bytes.length : offset + length;
    if (offset > bytes.length || end > bytes.length)
      throw new CodedError('onnx/missing-external-data', `${context.identifier}: tensor ${tensorName} needs bytes ${offset}..${end} of ${location}, which holds ${bytes.length}`);
    return bytes.subarray(offset, end);
  };
}
