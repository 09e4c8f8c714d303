// Large byte payloads (kernels, artifact bytes) as rows of 4 MiB chunks. node-sqlite3-wasm copies every bound or
// returned blob through its WebAssembly heap, which is capped at 2 GiB and never shrinks: one 800 MB kernel would
// fail with "out of memory", and even a 400 MB one would leave the process holding 2 GB. Chunks keep it small.
import { CodedError } from '../../contract/result';
import type { Database } from './database';

export const CHUNK_BYTES = 4 * 1024 * 1024;

export type ChunkTable = 'kernel_chunks' | 'artifact_chunks';

/** Writes `bytes` as chunks of `ownerId` (call inside the transaction that created the owner row). */
export function writeChunks(db: Database, table: ChunkTable, ownerId: number, bytes: Uint8Array, schema = 'main'): void {
  for (let chunk = 0, offset = 0; offset < bytes.byteLength; chunk++, offset += CHUNK_BYTES) {
    db.run(`INSERT INTO ${schema}.${table} (owner_id, chunk, data) VALUES (?, ?, ?)`, [ownerId, chunk, bytes.subarray(offset, offset + CHUNK_BYTES)]);
  }
}

/** Reassembles the chunks of `ownerId` into `target`, which has the byte length recorded with the owner. */
export function readChunks(db: Database, table: ChunkTable, ownerId: number, target: Uint8Array): void {
  let offset = 0;
  const mismatch = () => new CodedError('store/corrupt', `${db.path}: ${table} of ${ownerId} do not add up to the ${target.byteLength} bytes recorded`);
  db.each<{ data: Uint8Array }>(`SELECT data FROM ${table} WHERE owner_id = ? ORDER BY chunk`, [ownerId], ({ data }) => {
    if (offset + data.byteLength > target.byteLength) throw mismatch();
    target.set(data, offset);
    offset += data.byteLength;
  });
  if (offset !== target.byteLength) throw mismatch();
}
