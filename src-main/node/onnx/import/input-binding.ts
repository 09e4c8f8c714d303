// A model's other graph inputs (recurrent state h and c, a sample rate sr) bound to constants so that f(x) is a
// function of the sample input alone: zeros, one value, or a tensor (from the probe file's "bind" or a file). A dim of
// the bound input named like the sample input's batch dim follows the batch: zeros and values fill it, a tensor with
// 1 there is repeated. Parsing of the CLI form `name=value|file` lives here too.
import { CodedError } from '../../../contract/result';
import type { BindSpec } from './import-options';
import { readInputsFile } from '../../data/files';
import { hostTensor, sizeOf, type HostTensor, type IrValueInfo } from './ir';
import { hostExpand } from './ops/host-math';
import { TensorProtoDataType as DT } from '../onnx-schema';

export type { BindSpec };

/** A bound input, resolved per batch size n. */
export interface Binding {
  readonly name: string;
  readonly elemType: number;
  /** Short description for summaries: "zeros", "16000", "tensor [1, 1, 16]". */
  readonly describe: string;
  valueFor(n: number): HostTensor;
}

const INT_TYPES: ReadonlySet<number> = new Set([DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64]);

/** A binding for graph input `input`; `batchDim` is the symbolic name (or null) of the sample input's first dim. */
export function bindInput(input: IrValueInfo, spec: BindSpec, batchDim: string | number | null | undefined, identifier: string): Binding {
  const dtype = input.elemType === DT.BOOL ? 'bool' : INT_TYPES.has(input.elemType) ? 'int' : input.elemType === DT.DOUBLE ? 'float64' : 'float32';
  const follows = (d: number | string | null) => typeof d === 'string' && d === batchDim;
  const where = `${identifier}: input ${input.name}`;
  if (spec === 'zeros' || typeof spec === 'number') {
    const fill = spec === 'zeros' ? 0 : spec;
    const dims = input.dims ?? [];
    const open = dims.filter((d) => typeof d !== 'number' && !follows(d));
    if (!input.dims || open.length > 0)
      throw new CodedError('onnx/unsupported-model', `${where} has dims [${(input.dims ?? ['?']).map((d) => d ?? '?').join(', ')}]; bind it to a tensor (its shape is not fixed)`);
    return {
      name: input.name,
      elemType: input.elemType,
      describe: spec === 'zeros' ? 'zeros' : String(spec),
      valueFor: (n) => {
        const shape = dims.map((d) => (typeof d === 'number' ? d : n));
        return hostTensor(dtype, shape, new Float64Array(sizeOf(shape)).fill(fill));
      },
    };
  }
  const given = hostTensor(dtype, spec.shape, Float64Array.from(spec.data));
  if (given.data.length !== sizeOf(spec.shape)) throw new CodedError('data/shape-mismatch', `${where}: ${given.data.length} values for shape [${spec.shape.join(', ')}]`);
  const dims = input.dims;
  if (dims && dims.length !== spec.shape.length) throw new CodedError('data/shape-mismatch', `${where} has rank ${dims.length}; the bound tensor has shape [${spec.shape.join(', ')}]`);
  dims?.forEach((d, i) => {
    if (typeof d === 'number' && d !== spec.shape[i]) throw new CodedError('data/shape-mismatch', `${where} has dims [${dims.join(', ')}]; the bound tensor has shape [${spec.shape.join(', ')}]`);
  });
  return {
    name: input.name,
    elemType: input.elemType,
    describe: spec.shape.length === 0 ? String(given.data[0]) : `tensor [${spec.shape.join(', ')}]`,
    valueFor: (n) => {
      if (!dims) return given;
      const shape = spec.shape.map((s, i) => (follows(dims[i]) && s === 1 ? n : s));
      return shape.every((s, i) => s === spec.shape[i]) ? given : hostExpand(given, shape);
    },
  };
}

/** `name=value|file` from the command line: zeros, a number, or a .json/.npy/.csv file holding the tensor. */
export async function parseBindFlag(flag: string): Promise<[string, BindSpec]> {
  const at = flag.indexOf('=');
  if (at <= 0 || at === flag.length - 1) throw new CodedError('config/invalid', `--bind ${flag}: expected name=value, name=zeros or name=FILE`);
  return [flag.slice(0, at), await parseBindValue(flag.slice(at + 1))];
}

/** A bound value as the app and the command line give it: 'zeros', a number (or its text), or a file path. */
export async function parseBindValue(value: string | number): Promise<BindSpec> {
  if (typeof value === 'number') return value;
  if (value === 'zeros') return 'zeros';
  const number = Number(value);
  if (value.trim() !== '' && Number.isFinite(number)) return number;
  const file = await readInputsFile(value);
  return { shape: [file.n, ...file.sampleShape], data: file.x };
}

/** The app's {name: value} bindings (see parseBindValue). */
export async function parseBindings(bind: Readonly<Record<string, string | number>> | undefined): Promise<Record<string, BindSpec> | undefined> {
  if (!bind) return undefined;
  return Object.fromEntries(await Promise.all(Object.entries(bind).map(async ([name, value]) => [name, await parseBindValue(value)] as const)));
}
