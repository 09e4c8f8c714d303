// TensorProto -> HostTensor: the typed repeated fields, raw little-endian bytes and external data, with the
// element count checked against the dims before anything is copied. Integers become exact float64 numbers.
import { CodedError } from '../../../contract/result';
import { TensorProtoDataLocation, TensorProtoDataType as DT, type TensorProto } from '../onnx-schema';
import type { ExternalDataReader } from './external-data';
import { toNumber } from './int64';
import { hostTensor, sizeOf, type HostDtype, type HostTensor } from './ir';
import { checkShape } from './limits';

interface Layout {
  readonly dtype: HostDtype;
  /** Bytes per element in raw_data. */
  readonly bytes: number;
  /** Reads element i of raw_data. */
  readonly read: (view: DataView, i: number) => number;
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const scratch = new DataView(new ArrayBuffer(4));
function bfloat16ToFloat(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16);
  return scratch.getFloat32(0);
}

const LAYOUTS: ReadonlyMap<number, Layout> = new Map<number, Layout>([
  [DT.FLOAT, { dtype: 'float32', bytes: 4, read: (v, i) => v.getFloat32(i * 4, true) }],
  [DT.DOUBLE, { dtype: 'float64', bytes: 8, read: (v, i) => v.getFloat64(i * 8, true) }],
  [DT.FLOAT16, { dtype: 'float32', bytes: 2, read: (v, i) => halfToFloat(v.getUint16(i * 2, true)) }],
  [DT.BFLOAT16, { dtype: 'float32', bytes: 2, read: (v, i) => bfloat16ToFloat(v.getUint16(i * 2, true)) }],
  [DT.INT64, { dtype: 'int', bytes: 8, read: (v, i) => Number(v.getBigInt64(i * 8, true)) }],
  [DT.UINT64, { dtype: 'int', bytes: 8, read: (v, i) => Number(v.getBigUint64(i * 8, true)) }],
  [DT.INT32, { dtype: 'int', bytes: 4, read: (v, i) => v.getInt32(i * 4, true) }],
  [DT.UINT32, { dtype: 'int', bytes: 4, read: (v, i) => v.getUint32(i * 4, true) }],
  [DT.INT16, { dtype: 'int', bytes: 2, read: (v, i) => v.getInt16(i * 2, true) }],
  [DT.UINT16, { dtype: 'int', bytes: 2, read: (v, i) => v.getUint16(i * 2, true) }],
  [DT.INT8, { dtype: 'int', bytes: 1, read: (v, i) => v.getInt8(i) }],
  [DT.UINT8, { dtype: 'int', bytes: 1, read: (v, i) => v.getUint8(i) }],
  [DT.BOOL, { dtype: 'bool', bytes: 1, read: (v, i) => (v.getUint8(i) ? 1 : 0) }],
]);

const TYPE_NAMES = new Map(Object.entries(DT).map(([name, code]) => [code as number, name]));

export function dataTypeName(code: number): string {
  return TYPE_NAMES.get(code) ?? `type ${code}`;
}

/** The values stored in the typed repeated field that this data type uses (ONNX packs small types into int32_data). */
function typedField(proto: TensorProto, type: number): ArrayLike<unknown> | undefined | null {
  switch (type) {
    case DT.FLOAT:
      return proto.floatData;
    case DT.DOUBLE:
      return proto.doubleData;
    case DT.INT64:
      return proto.int64Data;
    case DT.UINT64:
    case DT.UINT32:
      return proto.uint64Data;
    default:
      return proto.int32Data;
  }
}

function convertTyped(values: ArrayLike<unknown>, type: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const v = toNumber(values[i] as Parameters<typeof toNumber>[0]);
    out[i] = type === DT.FLOAT16 ? halfToFloat(v) : type === DT.BFLOAT16 ? bfloat16ToFloat(v) : type === DT.BOOL ? (v ? 1 : 0) : v;
  }
  return out;
}

/**
 * Decodes a TensorProto (initializer or Constant value). `what` names it in errors. Throws onnx/unsupported-model
 * for element types without a float or integer meaning (strings, complex, 4-bit, float8), onnx/shape-mismatch when
 * the stored values do not fill the dims, onnx/invalid-model for absurd dims.
 */
export async function decodeTensor(proto: TensorProto, what: string, external?: ExternalDataReader): Promise<HostTensor> {
  const type = proto.dataType ?? DT.UNDEFINED;
  const layout = LAYOUTS.get(type);
  if (!layout) throw new CodedError('onnx/unsupported-model', `${what}: element type ${dataTypeName(type)} is not supported`);
  if (proto.segment) throw new CodedError('onnx/unsupported-model', `${what}: segmented tensors are not supported`);
  const dims = (proto.dims ?? []).map((d) => toNumber(d));
  checkShape(dims, what);
  const count = sizeOf(dims);
  let raw: Uint8Array | undefined;
  if (proto.dataLocation === TensorProtoDataLocation.EXTERNAL) {
    if (!external) throw new CodedError('onnx/missing-external-data', `${what}: external data cannot be read here`);
    raw = await external(proto.name ?? what, proto.externalData ?? []);
  } else if (proto.rawData && proto.rawData.length > 0) {
    raw = proto.rawData;
  }
  const data = layout.dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
  if (raw) {
    if (raw.length !== count * layout.bytes)
      throw new CodedError('onnx/shape-mismatch', `${what}: dims [${dims.join(', ')}] need ${count * layout.bytes} bytes of ${dataTypeName(type)}, the file holds ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) data[i] = layout.read(view, i);
  } else {
    const values = typedField(proto, type) ?? [];
    if (values.length !== count)
      throw new CodedError('onnx/shape-mismatch', `${what}: dims [${dims.join(', ')}] need ${count} values, the file holds ${values.length}`);
    data.set(convertTyped(values, type, count));
  }
  return hostTensor(layout.dtype, dims, data);
}
