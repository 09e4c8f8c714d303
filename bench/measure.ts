// Timing helpers for the benchmark: time-based warm-up and medians, because onnxruntime-node and wasm timings
// jump between a fast and a slow level from process to process here.

/** Median seconds of `fn` after `warmupSeconds` of warm-up, over at least `minRuns` runs or `budgetSeconds`. */
export async function medianSeconds(fn: () => Promise<unknown>, options: { warmupSeconds?: number; minRuns?: number; budgetSeconds?: number } = {}): Promise<{ median: number; runs: number }> {
  const warmup = options.warmupSeconds ?? 0.5;
  const minRuns = options.minRuns ?? 3;
  const budget = options.budgetSeconds ?? 5;
  let start = performance.now();
  do await fn();
  while ((performance.now() - start) / 1000 < warmup);
  const times: number[] = [];
  start = performance.now();
  while (times.length < minRuns || (performance.now() - start) / 1000 < budget) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= minRuns && (performance.now() - start) / 1000 >= budget) break;
    if (times.length >= 50) break;
  }
  times.sort((a, b) => a - b);
  // The mean of the middle two for an even count, as Python's statistics.median (the peers') takes it.
  const mid = Math.floor(times.length / 2);
  return { median: times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, runs: times.length };
}

export interface Row {
  readonly section: string;
  readonly case: string;
  readonly engine: string;
  readonly seconds?: number;
  readonly gflops?: number;
  readonly note?: string;
}

export function printTable(rows: readonly Row[]): void {
  const header = ['section', 'case', 'engine', 'time', 'GFLOP/s', 'note'];
  const body = rows.map((r) => [r.section, r.case, r.engine, r.seconds === undefined ? '-' : formatTime(r.seconds), r.gflops === undefined ? '-' : r.gflops.toFixed(1), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

function formatTime(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} us`;
  if (s < 1) return `${(s * 1e3).toFixed(1)} ms`;
  return `${s.toFixed(2)} s`;
}
