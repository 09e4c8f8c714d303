// The HTML reports open in headless chromium (Debian's, through playwright-core) with no console errors and no
// network requests; a run report holds one non-empty SVG per chart and the run's values; a run still going is
// marked partial, one without kernels says so; comparison and project reports have their tables and sections.
// Screenshots land in test-artifacts/reports/ for review.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../../src-main/charts/format';
import { writeReport } from '../../../src-main/node/report/report-writer';
import { storeReportRun } from '../../../src-main/node/report/store-run';
import { openStore, type Store } from '../../../src-main/node/store/store';
import { storePathIn } from '../../../src-main/node/store/workspace-dir';
import { createSyntheticImportRun, createSyntheticRun, SMALL } from '../../helpers/report-runs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/reports/', import.meta.url));

let dir: string;
let store: Store;
let browser: Browser;
const ids: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-html-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  store = openStore(storePathIn(dir));
  ids.done = createSyntheticRun(store, 'p', SMALL);
  ids.seed2 = createSyntheticRun(store, 'p', { ...SMALL, name: 'synthetic-seed-2', width: 64 });
  ids.running = createSyntheticRun(store, 'p', { ...SMALL, name: 'still-running', running: true });
  ids.noKernels = createSyntheticRun(store, 'q', { ...SMALL, name: 'no-kernels', saveKernels: false, kernelSnapshots: 0 });
  ids.imported = createSyntheticImportRun(store, 'q', [0, 100, 1000]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (id: number) => storeReportRun(store, store.runs.get(id), dir);

/** Opens the file offline; returns what the page logged and asked for, and the page for checks. */
async function open(file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => r.url() !== pathToFileURL(file).href && requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  return { page, errors, requests };
}

describe('HTML reports in chromium', () => {
  it('a run report: self-contained, one non-empty SVG per chart, the run values', async () => {
    const file = join(dir, 'run.html');
    await writeReport({ format: 'html', out: file, runs: [run(ids.done)], options: { kernelSteps: [200] } });
    const { page, errors, requests } = await open(file, 'run-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const figures = await page.$$eval('figure', (fs) => fs.map((f) => ({ id: f.getAttribute('data-chart'), svgs: f.querySelectorAll('svg').length, paths: f.querySelectorAll('svg path').length })));
    expect(figures.map((f) => f.id)).toEqual(['loss', 'outputs', 'analytic', 'drift', 'distance', 'accuracy', 'heatmap-k0-200', 'heatmap-kt-200', 'heatmap-diff-200', 'sweep', 'spectrum-all']);
    for (const f of figures) {
      expect(f.svgs).toBe(1);
      expect(f.paths).toBeGreaterThan(3);
    }
    const text = await page.innerText('main');
    expect(text).toContain(formatNumber(0.41, 6));
    expect(text).toContain(formatNumber(0.41 / 72, 6));
    expect(text).toContain('ntk-workbench train --config synthetic-small.config.json --out synthetic-small');
    // The bound's mark and the analytic sweep are drawn with their labels; K_t's colour scale ends at the kernel's max.
    expect(await page.innerHTML('figure[data-chart="analytic"]')).toContain('bound λ₀/(2n²)');
    expect(await page.innerHTML('figure[data-chart="sweep"]')).toContain('analytic K');
    const kMax = Math.max(...(store.kernels.get(ids.done, 200)?.data ?? []));
    expect(await page.innerHTML('figure[data-chart="heatmap-kt-200"]')).toContain(`>${formatNumber(kMax, 3)}<`);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    await page.close();
  });

  it('a running run is marked partial; a run without kernels says so', async () => {
    const file = join(dir, 'partial.html');
    const result = await writeReport({ format: 'html', out: file, runs: [run(ids.running)] });
    expect(result.partial).toBe(true);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Partial report: the run is running');
    const none = join(dir, 'none.html');
    await writeReport({ format: 'html', out: none, runs: [run(ids.noKernels)] });
    expect(readFileSync(none, 'utf8')).toContain('logged no kernel snapshots');
  });

  it('an import run: model summary, probe, per-checkpoint drift table and charts', async () => {
    const file = join(dir, 'import.html');
    await writeReport({ format: 'html', out: file, runs: [run(ids.imported)] });
    const { page, errors, requests } = await open(file, 'import-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const text = await page.innerText('main');
    expect(text).toContain('Import run report: mlp checkpoints');
    expect(text).toContain('pytorch 1.13');
    expect(text).toContain('fc1.bias');
    expect(text).toContain('mnist:8:1');
    const drift = await page.$$eval('table', (ts) => ts.find((t) => t.innerText.includes('relDrift'))?.innerText ?? '');
    expect(drift).toContain('/data/ckpt-1000.onnx');
    expect(drift).toContain('0.25');
    const charts = await page.$$eval('figure', (fs) => fs.map((f) => f.getAttribute('data-chart')));
    expect(charts).toEqual(expect.arrayContaining(['drift', 'distance', 'norms', 'spectrum', 'output-change', 'heatmap-kt-1000', 'spectrum-all']));
    expect(charts).not.toContain('sweep');
    expect(text).toContain('ntk-workbench drift --models /data/ckpt-0.onnx /data/ckpt-100.onnx /data/ckpt-1000.onnx --probe mnist:8:1 --kernel trace');
    await page.close();
  });

  it('comparison and project reports', async () => {
    const file = join(dir, 'compare.html');
    await writeReport({ format: 'html', out: file, runs: [run(ids.done), run(ids.seed2)] });
    const { page, errors, requests } = await open(file, 'compare-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const tables = await page.$$eval('table', (ts) => ts.map((t) => t.innerText));
    expect(tables[0]).toContain('synthetic-seed-2');
    expect(tables[1]).toContain('model.width');
    expect(await page.$$eval('figure[data-chart^="overlay-"] svg', (s) => s.length)).toBeGreaterThanOrEqual(4);
    expect(await page.$$eval('section.run', (s) => s.length)).toBe(2);
    await page.close();
    const project = join(dir, 'project.html');
    const p = store.projects.find('p');
    await writeReport({ format: 'html', out: project, project: { name: 'p', notes: '' }, runs: store.runs.list(p?.id ?? 0).map((r) => run(r.id)) });
    const html = readFileSync(project, 'utf8');
    expect(html).toContain('Runs of project');
    expect(html.match(/<section class="run">/g)?.length).toBe(3);
  });
});
