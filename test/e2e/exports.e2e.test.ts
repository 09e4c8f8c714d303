// Every export from the browser build, as a colleague receives it: a training run, an import run, a comparison and a
// project, each with every format ticked in the Export dialog, downloaded by the browser (served back through
// downloads:read; npy and figures as one zip) and checked: the reports by their title, the PDF by its magic, the CSV
// by its header, the JSON by its runs, the arrays by parsing the .npy header and reading a kernel value, the figures by
// their SVG, the ONNX model by its size. The runs are written straight into the served workspace (no training).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { float64s, readNpy, readZip } from '../helpers/npy-reader';
import { createSyntheticImportRun, createSyntheticRun, SMALL } from '../helpers/report-runs';
import { serveWorkbench, type Workbench } from './serve-workbench';
import { openBrowser } from './open-browser';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const PROJECT = 'exports';

let workbench: Workbench;
let browser: Browser;
let page: Page;
const ids = { train: 0, second: 0, import: 0, project: 0 };
const pageErrors: string[] = [];

/**
 * Opens the Export dialog with `open`, ticks every format offered, exports, and returns the downloads by kind (the
 * extension; 'npy' and 'figures' for their zips; 'wide.csv' for the CSV's wide form, which comes with the long one).
 */
async function exportAll(open: () => Promise<void>, shotName: string): Promise<Map<string, Buffer>> {
  await open();
  const dialog = page.getByTestId('export-dialog');
  await expect.poll(() => dialog.isVisible()).toBe(true);
  const boxes = dialog.locator('[data-testid^="export-format-"]');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  const offered = await boxes.count();
  const downloads: Download[] = [];
  const onDownload = (d: Download) => downloads.push(d);
  page.on('download', onDownload);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect.poll(() => downloads.length, { timeout: 280_000, interval: 500 }).toBe(offered + 1);
  page.off('download', onDownload);
  await expect.poll(() => dialog.getByTestId('export-saved').locator('li').count()).toBe(offered);
  await page.screenshot({ path: join(ARTIFACTS, `${shotName}.png`) });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const files = new Map<string, Buffer>();
  for (const d of downloads) {
    const name = d.suggestedFilename();
    const kind = name.endsWith('-arrays.zip') ? 'npy' : name.endsWith('-figures.zip') ? 'figures' : name.endsWith('.wide.csv') ? 'wide.csv' : name.slice(name.lastIndexOf('.') + 1);
    files.set(kind, readFileSync(await d.path()));
  }
  return files;
}

/** The kernel stored at step 0 of a run inside an npy zip (`prefix`: its folder in a comparison's zip). */
function firstKernel(zip: Buffer, prefix = ''): { shape: number[]; descr: string; values: Float64Array } {
  const members = readZip(zip);
  const name = [...members.keys()].find((n) => n.startsWith(`${prefix}kernels/step-000000000-`) && n.endsWith('.npy'));
  if (!name) throw new Error(`no step-0 kernel in ${[...members.keys()].join(', ')}`);
  const array = readNpy(members.get(name) as Uint8Array);
  return { shape: array.shape, descr: array.descr, values: float64s(array) };
}

function expectFigures(zip: Buffer): void {
  const svgs = [...readZip(zip).entries()].filter(([name]) => name.endsWith('.svg'));
  expect(svgs.length).toBeGreaterThan(2);
  for (const [, bytes] of svgs) expect(Buffer.from(bytes).toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
}

const text = (files: Map<string, Buffer>, kind: string) => (files.get(kind) as Buffer).toString('utf8');
const isPdf = (files: Map<string, Buffer>) => (files.get('pdf') as Buffer).subarray(0, 5).toString('latin1') === '%PDF-';

describe('exports downloaded by the browser', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workbench = await serveWorkbench();
    const store = openStore(storePathIn(workbench.workspace));
    try {
      ids.train = createSyntheticRun(store, PROJECT, SMALL);
      ids.second = createSyntheticRun(store, PROJECT, { ...SMALL, name: 'second' });
      ids.import = createSyntheticImportRun(store, PROJECT, [0, 10, 100]);
      ids.project = store.projects.find(PROJECT)?.id ?? 0;
    } finally {
      store.close();
    }
    ({ browser, page } = await openBrowser(1280, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
  });

  const go = async (hash: string) => {
    await page.goto(`${workbench.url}${hash}`);
    await expect.poll(() => page.getByTestId('status-line').textContent()).toContain('web bridge');
  };

  it('a training run: all seven formats, the npy zip read back to a kernel value', async () => {
    await go(`#/runs/${ids.train}`);
    const files = await exportAll(() => page.getByTestId('export-run').click(), 'exports-01-training-run');
    expect([...files.keys()].sort()).toEqual(['csv', 'figures', 'html', 'json', 'npy', 'onnx', 'pdf', 'wide.csv']);
    expect(text(files, 'html')).toContain('Run report: synthetic-small');
    expect(isPdf(files)).toBe(true);
    expect(text(files, 'csv').split('\n')[0]).toBe('run,step,wall_time,name,value');
    expect(text(files, 'wide.csv').split('\n')[0]).toMatch(/^run,step,wall_time,.*\bloss\b/);
    expect(JSON.parse(text(files, 'json')).runs.map((r: { name: string }) => r.name)).toEqual(['synthetic-small']);
    const k0 = firstKernel(files.get('npy') as Buffer);
    expect(k0).toMatchObject({ descr: '<f8', shape: [SMALL.n, SMALL.n] });
    // The synthetic kernel at t = 0 (test/helpers/report-runs.ts kernelAt): exp(0) * 1 + 0.5 on the diagonal.
    expect(k0.values[0]).toBe(1.5);
    expect(k0.values[1]).toBeCloseTo(Math.exp(-1 / 4), 15);
    expectFigures(files.get('figures') as Buffer);
    expect((files.get('onnx') as Buffer).length).toBeGreaterThan(1000);
    expect(pageErrors).toEqual([]);
  });

  it('an import run: every format but ONNX', async () => {
    await go(`#/runs/${ids.import}`);
    const files = await exportAll(() => page.getByTestId('export-run').click(), 'exports-02-import-run');
    expect([...files.keys()].sort()).toEqual(['csv', 'figures', 'html', 'json', 'npy', 'pdf', 'wide.csv']);
    expect(text(files, 'html')).toContain('Import run report');
    expect(isPdf(files)).toBe(true);
    expect(text(files, 'csv')).toContain('relDrift');
    expect(firstKernel(files.get('npy') as Buffer)).toMatchObject({ descr: '<f8', shape: [8, 8] });
    expectFigures(files.get('figures') as Buffer);
    expect(pageErrors).toEqual([]);
  });

  it('a comparison of two runs: every format but ONNX, one folder per run in the npy zip', async () => {
    await go(`#/compare?runs=${ids.train},${ids.second}`);
    const files = await exportAll(() => page.getByTestId('export-compare').click(), 'exports-03-comparison');
    expect([...files.keys()].sort()).toEqual(['csv', 'figures', 'html', 'json', 'npy', 'pdf', 'wide.csv']);
    expect(text(files, 'html')).toContain('Comparison');
    expect(isPdf(files)).toBe(true);
    expect(JSON.parse(text(files, 'json')).runs.map((r: { name: string }) => r.name)).toEqual(['synthetic-small', 'second']);
    expect(firstKernel(files.get('npy') as Buffer, '02-second/').values[0]).toBe(1.5);
    expectFigures(files.get('figures') as Buffer);
    expect(pageErrors).toEqual([]);
  });

  it('a project: every format but ONNX', async () => {
    await go(`#/projects/${ids.project}`);
    const files = await exportAll(() => page.getByTestId('export-project-report').click(), 'exports-04-project');
    expect([...files.keys()].sort()).toEqual(['csv', 'figures', 'html', 'json', 'npy', 'pdf', 'wide.csv']);
    expect(text(files, 'html')).toContain(PROJECT);
    expect(isPdf(files)).toBe(true);
    expect(JSON.parse(text(files, 'json')).runs.map((r: { name: string }) => r.name).sort()).toEqual(['mlp checkpoints', 'second', 'synthetic-small']);
    expect(readZip(files.get('npy') as Buffer).size).toBeGreaterThan(3);
    expectFigures(files.get('figures') as Buffer);
    expect(pageErrors).toEqual([]);
  });
});
