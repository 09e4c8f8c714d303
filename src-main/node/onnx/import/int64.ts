// protobufjs hands int64 fields back as Long objects (or plain numbers when no Long library is present); the
// importer works with JS numbers, exact below 2^53, which covers every dim, axis and shape value a real model holds.
import type { Int64 } from '../onnx-schema';

/** A number from an int64 field (0 when absent); values past 2^53 lose precision, which only matters for sentinels. */
export function toNumber(value: Int64 | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}
