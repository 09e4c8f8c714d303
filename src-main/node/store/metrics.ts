// Metric points of a run: appended in batches (one transaction per batch, so a batch is all there or not at all)
// and read back as column arrays per metric name, never as one object per point.
import { CodedError } from '../../contract/result';
import type { Database } from './database';
import type { MetricRow, MetricSeries, RunId } from './types';

export interface MetricReadOptions {
  /** Only these metrics; default all. */
  readonly names?: readonly string[];
  /** Only steps >= fromStep (a client joining mid-run asks for what it has not seen). */
  readonly fromStep?: number;
}

export interface MetricRepo {
  /** Appends the rows in one transaction; a row for a (name, step) already stored replaces it. */
  append(runId: RunId, rows: readonly MetricRow[]): void;
  read(runId: RunId, options?: MetricReadOptions): Record<string, MetricSeries>;
  names(runId: RunId): string[];
  /** The highest step stored for the run, or undefined when it has none. */
  lastStep(runId: RunId): number | undefined;
}

// Several rows per statement: each statement crossing into WebAssembly costs more than its bound values.
const ROWS_PER_INSERT = 64;
const insertSql = (rows: number) =>
  `INSERT OR REPLACE INTO metrics (run_id, name, step, wall_time, value) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}`;

function checkRow(row: MetricRow): void {
  if (!Number.isSafeInteger(row.step) || row.step < 0) throw new CodedError('data/invalid', `metric step must be a non-negative integer, got ${row.step}`);
  if (typeof row.name !== 'string' || row.name.length === 0) throw new CodedError('data/invalid', 'a metric needs a name');
}

/** Growable float64 columns: the row count is not known before the rows are read. */
class SeriesBuilder {
  length = 0;
  private steps = new Float64Array(1024);
  private wallTimes = new Float64Array(1024);
  private values = new Float64Array(1024);

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.wallTimes = grow(this.wallTimes);
      this.values = grow(this.values);
    }
    this.steps[this.length] = step;
    this.wallTimes[this.length] = wallTime;
    this.values[this.length] = value;
    this.length++;
  }

  finish(): MetricSeries {
    return { steps: this.steps.slice(0, this.length), wallTimes: this.wallTimes.slice(0, this.length), values: this.values.slice(0, this.length) };
  }
}

// Distinct names by hopping through the (run, name, step) key, one lookup per name instead of a scan of every point.
const NAMES_SQL = `WITH RECURSIVE names(name) AS (
    SELECT min(name) FROM metrics WHERE run_id = ?1
    UNION ALL
    SELECT (SELECT min(name) FROM metrics WHERE run_id = ?1 AND name > names.name) FROM names WHERE names.name IS NOT NULL
  ) SELECT name FROM names WHERE name IS NOT NULL`;

export function createMetricRepo(db: Database): MetricRepo {
  const requireRun = (runId: RunId) => {
    if (!db.get('SELECT 1 FROM runs WHERE id = ?', [runId])) throw new CodedError('store/not-found', `no run with id ${runId}`);
  };
  const namesOf = (runId: RunId) => db.all<{ name: string }>(NAMES_SQL, [runId]).map((r) => r.name);
  return {
    append(runId, rows) {
      rows.forEach(checkRow);
      db.transaction(() => {
        requireRun(runId);
        // Full groups share one statement and the tail goes row by row, so only two statements are ever cached.
        for (let start = 0; start < rows.length; ) {
          const size = rows.length - start >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
          const values: (number | string | null)[] = [];
          for (const r of rows.slice(start, start + size)) {
            // SQLite would store NaN as NULL anyway; saying so keeps the mapping explicit.
            values.push(runId, r.name, r.step, r.wallTime, Number.isNaN(r.value) ? null : r.value);
          }
          db.run(insertSql(size), values);
          start += size;
        }
      });
    },
    read(runId, options = {}) {
      const fromStep = options.fromStep ?? 0;
      const out: Record<string, MetricSeries> = {};
      db.read(() => {
        // Named metrics are looked up directly: listing every name first cost more than reading a live chart's tail.
        for (const name of options.names ? [...new Set(options.names)] : namesOf(runId)) {
          const series = new SeriesBuilder();
          db.each<{ step: number; wall_time: number; value: number | null }>(
            'SELECT step, wall_time, value FROM metrics WHERE run_id = ? AND name = ? AND step >= ? ORDER BY step',
            [runId, name, fromStep],
            (row) => series.push(row.step, row.wall_time, row.value ?? Number.NaN),
          );
          if (series.length > 0) out[name] = series.finish();
        }
      });
      return out;
    },
    names: namesOf,
    lastStep(runId) {
      const steps = db.read(() =>
        namesOf(runId).map((name) => db.get<{ step: number }>('SELECT max(step) AS step FROM metrics WHERE run_id = ? AND name = ?', [runId, name])!.step),
      );
      return steps.length === 0 ? undefined : Math.max(...steps);
    },
  };
}
