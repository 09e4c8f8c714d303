// Reports of the paper-scale Fig. 1 run (10^4 steps with every metric at every step, 25 kernel snapshots, n = 6,
// a 201-point circle sweep; synthesised into a fresh store, test/helpers/report-runs.ts): time and size of the HTML
// and PDF run reports (lines LTTB-thinned to REPORT_DEFAULTS.maxPoints, heatmaps block-averaged), and of the CSV,
// which keeps every point. Targets from the issue: under 5 s and under 5 MB. Standalone: node --import tsx bench/report-bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport, type ReportFormat } from '../src-main/node/report/report-writer';
import { REPORT_DEFAULTS } from '../src-main/node/report/run-report';
import { storeReportRun } from '../src-main/node/report/store-run';
import { openStore } from '../src-main/node/store/store';
import { storePathIn } from '../src-main/node/store/workspace-dir';
import { createSyntheticRun, FIG1 } from '../test/helpers/report-runs';
import { type Row, printTable } from './measure';

export async function benchReports(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-report-bench-'));
  const store = openStore(storePathIn(dir));
  try {
    const id = createSyntheticRun(store, 'bench', FIG1);
    const points = Object.values(store.metrics.read(id)).reduce((s, m) => s + m.steps.length, 0);
    const rows: Row[] = [];
    for (const format of ['html', 'pdf', 'csv'] as ReportFormat[]) {
      const run = storeReportRun(store, store.runs.get(id), dir);
      const t0 = performance.now();
      const result = await writeReport({ format, out: join(dir, `fig1.${format}`), runs: [run] });
      const seconds = (performance.now() - t0) / 1000;
      const mb = result.bytes / 1e6;
      const target = format === 'csv' ? `every point (${points})` : `target < 5 s, < 5 MB: ${seconds < 5 && mb < 5 ? 'met' : 'NOT met'}`;
      rows.push({ section: 'report', case: `Fig. 1 run, ${format}`, engine: '-', seconds, note: `${mb.toFixed(2)} MB; ${target}` });
    }
    rows.push({ section: 'report', case: 'display thinning', engine: '-', note: `LTTB to ${REPORT_DEFAULTS.maxPoints} points per line, heatmaps <= ${REPORT_DEFAULTS.heatmapRows} rows` });
    return rows;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printTable(await benchReports());
