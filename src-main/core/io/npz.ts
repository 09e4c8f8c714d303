// The .npz format (numpy.savez): a zip archive (zip.ts) of .npy members, stored without compression.
import { CodedError } from '../../contract/result';
import { encodeNpy, type NdArrayInput } from './npy';
import { encodeZip } from './zip';

export interface NpzMember {
  /** numpy's key for the array: `np.load(f)[name]`; stored as `${name}.npy`. */
  readonly name: string;
  readonly array: NdArrayInput;
}

/** Bytes of an .npz holding each array as `${name}.npy` (float64 arrays stay float64). Cost: one copy of the data. */
export function encodeNpz(members: readonly NpzMember[]): Uint8Array {
  if (members.some((m) => !m.name)) throw new CodedError('data/invalid', 'npz member names must be non-empty');
  return encodeZip(members.map((m) => ({ name: `${m.name}.npy`, data: encodeNpy(m.array) })), 'an .npz');
}
