// Kernel snapshots of a run: one per (step, kind), float64 row-major in chunks (blob-chunks.ts), with the step's
// eigenvalues and circle sweep alongside. Bytes are the platform's float64 (little-endian on every supported OS).
import { CodedError } from '../../contract/result';
import { readChunks, writeChunks } from './blob-chunks';
import type { Database } from './database';
import type { KernelInfo, KernelInput, KernelMode, KernelRecord, RunId } from './types';

export interface KernelRepo {
  /** Stores the snapshot, replacing one of the same step and kind. */
  put(runId: RunId, kernel: KernelInput): void;
  /** `kind` may be left out when the run stores one kind at that step. */
  get(runId: RunId, step: number, kind?: KernelMode): KernelRecord | undefined;
  /** Stored snapshots in step order, without their data. */
  list(runId: RunId, kind?: KernelMode): KernelInfo[];
}

interface SnapshotRow {
  id: number;
  step: number;
  kind: KernelMode;
  rows: number;
  cols: number;
  data_bytes: number;
  eigenvalues: Uint8Array | null;
  sweep: Uint8Array | null;
}

export const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A Float64Array over a copy of `bytes` (a view needs 8-byte alignment, which a blob need not have). */
export function float64Of(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new CodedError('store/corrupt', `a float64 blob has ${bytes.byteLength} bytes, not a multiple of 8`);
  const out = new Float64Array(bytes.byteLength / 8);
  bytesOf(out).set(bytes);
  return out;
}

const toInfo = (row: SnapshotRow): KernelInfo => ({ step: row.step, kind: row.kind, rows: row.rows, cols: row.cols, dtype: 'float64', hasData: row.data_bytes > 0 });

export function createKernelRepo(db: Database): KernelRepo {
  return {
    put(runId, kernel) {
      const cols = kernel.cols ?? kernel.rows;
      if (!Number.isSafeInteger(kernel.step) || kernel.step < 0) throw new CodedError('data/invalid', `kernel step must be a non-negative integer, got ${kernel.step}`);
      if (kernel.kind !== 'full' && kernel.kind !== 'trace') throw new CodedError('data/invalid', `kernel kind must be full or trace, got ${String(kernel.kind)}`);
      if (kernel.data && kernel.data.length !== kernel.rows * cols) {
        throw new CodedError('data/shape-mismatch', `kernel data has ${kernel.data.length} values for a ${kernel.rows} x ${cols} kernel`);
      }
      db.transaction(() => {
        if (!db.get('SELECT 1 FROM runs WHERE id = ?', [runId])) throw new CodedError('store/not-found', `no run with id ${runId}`);
        db.run('DELETE FROM kernel_snapshots WHERE run_id = ? AND step = ? AND kind = ?', [runId, kernel.step, kernel.kind]);
        const { lastInsertRowid: id } = db.run(
          `INSERT INTO kernel_snapshots (run_id, step, kind, rows, cols, dtype, data_bytes, eigenvalues, sweep, created)
           VALUES (?, ?, ?, ?, ?, 'float64', ?, ?, ?, ?)`,
          [
            runId,
            kernel.step,
            kernel.kind,
            kernel.rows,
            cols,
            kernel.data?.byteLength ?? 0,
            kernel.eigenvalues ? bytesOf(kernel.eigenvalues) : null,
            kernel.sweep ? bytesOf(kernel.sweep) : null,
            Date.now(),
          ],
        );
        if (kernel.data) writeChunks(db, 'kernel_chunks', id, bytesOf(kernel.data));
      });
    },
    get(runId, step, kind) {
      return db.read(() => {
        const rows = db.all<SnapshotRow>(
          `SELECT id, step, kind, rows, cols, data_bytes, eigenvalues, sweep FROM kernel_snapshots
           WHERE run_id = ? AND step = ? AND (? IS NULL OR kind = ?) ORDER BY kind`,
          [runId, step, kind ?? null, kind ?? null],
        );
        if (rows.length === 0) return undefined;
        if (rows.length > 1) throw new CodedError('data/invalid', `run ${runId} has ${rows.map((r) => r.kind).join(' and ')} kernels at step ${step}: say which`);
        const row = rows[0];
        let data: Float64Array | undefined;
        if (row.data_bytes > 0) {
          data = new Float64Array(row.data_bytes / 8);
          readChunks(db, 'kernel_chunks', row.id, bytesOf(data));
        }
        return {
          ...toInfo(row),
          data,
          eigenvalues: row.eigenvalues ? float64Of(row.eigenvalues) : undefined,
          sweep: row.sweep ? float64Of(row.sweep) : undefined,
        };
      });
    },
    list: (runId, kind) =>
      db
        .all<SnapshotRow>(
          `SELECT id, step, kind, rows, cols, data_bytes, NULL AS eigenvalues, NULL AS sweep FROM kernel_snapshots
           WHERE run_id = ? AND (? IS NULL OR kind = ?) ORDER BY step, kind`,
          [runId, kind ?? null, kind ?? null],
        )
        .map(toInfo),
  };
}
