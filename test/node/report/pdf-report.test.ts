// The PDF reports (pdfkit, no browser) convert to PNG pages with poppler's pdftoppm; every page has content, every
// chart lies whole within one page's margins (the placements the writer reports), and the pages land in
// test-artifacts/reports/ for review.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChartPlacement, compareReportPdf } from '../../../src-main/node/report/pdf-report';
import { buildCompareReport } from '../../../src-main/node/report/compare-report';
import { writeReport } from '../../../src-main/node/report/report-writer';
import { storeReportRun } from '../../../src-main/node/report/store-run';
import { openStore, type Store } from '../../../src-main/node/store/store';
import { storePathIn } from '../../../src-main/node/store/workspace-dir';
import { createSyntheticRun, SMALL } from '../../helpers/report-runs';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/reports/', import.meta.url));
let dir: string;
let store: Store;
let ids: number[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-pdf-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  store = openStore(storePathIn(dir));
  ids = [createSyntheticRun(store, 'p', SMALL), createSyntheticRun(store, 'p', { ...SMALL, name: 'wider', width: 64 })];
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Fraction of non-white pixels of a binary PPM (P6) page. */
function inkFraction(ppm: Buffer): number {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a P6 PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const data = ppm.subarray(header[0].length);
  let ink = 0;
  for (let i = 0; i < width * height; i++) if (data[3 * i] < 235 || data[3 * i + 1] < 235 || data[3 * i + 2] < 235) ink++;
  return ink / (width * height);
}

function pages(pdf: string, prefix: string): { ppm: Buffer[]; count: number } {
  execFileSync('pdftoppm', ['-r', '30', pdf, join(dir, prefix)]);
  execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(ARTIFACTS, prefix)]);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.ppm')).sort();
  return { ppm: files.map((f) => readFileSync(join(dir, f))), count: files.length };
}

describe('PDF reports', () => {
  it('a run report: every page has content, charts are vectors', async () => {
    const file = join(dir, 'run.pdf');
    const result = await writeReport({ format: 'pdf', out: file, runs: [storeReportRun(store, store.runs.get(ids[0]), dir)] });
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(result.bytes).toBeGreaterThan(10_000);
    const { ppm, count } = pages(file, 'run-pdf');
    expect(count).toBeGreaterThanOrEqual(3);
    for (const page of ppm) expect(inkFraction(page)).toBeGreaterThan(0.01);
    // Vectors: no raster image XObjects in the file, only paths and text.
    expect(readFileSync(file).toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('a comparison report', async () => {
    const file = join(dir, 'compare.pdf');
    await writeReport({ format: 'pdf', out: file, runs: ids.map((id) => storeReportRun(store, store.runs.get(id), dir)) });
    const { ppm, count } = pages(file, 'compare-pdf');
    expect(count).toBeGreaterThanOrEqual(5);
    for (const page of ppm) expect(inkFraction(page)).toBeGreaterThan(0.01);
  });

  it('never cuts a chart with a page break', async () => {
    const model = await buildCompareReport(ids.map((id) => storeReportRun(store, store.runs.get(id), dir)));
    const placed: ChartPlacement[] = [];
    await compareReportPdf(model, placed);
    const expected = model.charts.length + model.runs.reduce((s, r) => s + r.charts.length + r.kernelCharts.length, 0);
    expect(placed.length).toBe(expected);
    expect(new Set(placed.map((p) => p.page)).size).toBeGreaterThan(2);
    for (const p of placed) {
      expect(p.top).toBeGreaterThanOrEqual(40);
      expect(p.bottom).toBeLessThanOrEqual(p.pageBottom + 0.5);
    }
  });
});
