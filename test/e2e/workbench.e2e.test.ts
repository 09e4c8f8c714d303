// The researcher's path in the browser build: create a project, start the Fig. 1 preset at a small scale, watch the
// live charts gain points while it trains, open the kernel heatmaps and move the step slider, compare two runs,
// import a dropped series of PyTorch checkpoints and chart its drift, and visit settings and the dark theme. Each
// view leaves a screenshot in test-artifacts/e2e/ for review.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWorkbench, type Workbench } from './serve-workbench';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));

let workbench: Workbench;
let browser: Browser;
let page: Page;
let firstRun = 0;
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Data points of the chart inside the panel `panel` (the EChart's data-points attribute). */
async function chartPoints(panel: string): Promise<number> {
  const value = await page.locator(`[data-panel="${panel}"] .echart`).first().getAttribute('data-points');
  return Number(value ?? 0);
}

async function startPresetRun(presetId: string, edit?: (page: Page) => Promise<void>): Promise<number> {
  await page.getByTestId('new-run').click();
  await page.locator(`[data-preset="${presetId}"]`).click();
  await edit?.(page);
  await page.getByTestId('start-run').click();
  await page.waitForURL(/#\/runs\/\d+/);
  return Number(/#\/runs\/(\d+)/.exec(page.url())?.[1]);
}

describe('workbench in the browser', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workbench = await serveWorkbench();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(workbench.url);
  });

  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
  });

  it('creates a project', async () => {
    await expect.poll(() => page.getByTestId('status-line').textContent()).toContain('web bridge');
    await shot('01-projects-empty');
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Fig. 1 divergence');
    await page.getByTestId('create-project').click();
    await page.waitForURL(/#\/projects\/\d+$/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Fig. 1 divergence');
    await shot('02-project-empty');
  });

  it('starts Fig. 1 (small) and the live charts gain points while it trains', async () => {
    firstRun = await startPresetRun('fig1-small');
    // Sample the outputs chart's point count and the run status every 50 ms in the page while it trains.
    await page.evaluate(() => {
      const w = window as unknown as { samples: { status: string; points: number }[] };
      w.samples = [];
      setInterval(() => {
        const status = document.querySelector('[data-testid="run-status"]')?.textContent ?? '';
        const points = Number(document.querySelector('[data-panel="outputs"] .echart')?.getAttribute('data-points') ?? 0);
        w.samples.push({ status, points });
      }, 50);
    });
    await expect.poll(() => chartPoints('loss'), { timeout: 60_000 }).toBeGreaterThan(0);
    // A screenshot a little into the run, while it is still going if the machine is slow enough to let us see it.
    await expect
      .poll(async () => (await page.getByTestId('run-status').textContent()) === 'done' || Number(await page.getByRole('progressbar').getAttribute('aria-valuenow')) >= 25, { timeout: 120_000 })
      .toBe(true);
    await shot('03-run-live');
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 180_000 }).toBe('done');
    const samples = await page.evaluate(() => (window as unknown as { samples: { status: string; points: number }[] }).samples);
    const whileRunning = samples.filter((x) => x.status === 'running' && x.points > 0).map((x) => x.points);
    expect(whileRunning.length).toBeGreaterThan(1);
    expect(Math.max(...whileRunning)).toBeGreaterThan(Math.min(...whileRunning));
    expect(Math.max(...samples.map((x) => x.points))).toBeGreaterThanOrEqual(Math.max(...whileRunning));
    await expect.poll(() => page.locator('dl.facts').textContent()).toContain('final loss');
    // The bound lambda_0 / (2 n^2) is known once the run ends, and drawn as its own line.
    await expect.poll(() => page.locator('[data-panel="analytic"]').textContent()).not.toContain('drawn once');
    await page.waitForTimeout(300);
    await shot('04-run-done');
  });

  it('shows the kernel heatmaps and moves their step slider', async () => {
    await page.getByTestId('tab-kernels').click();
    const slider = page.getByTestId('kernel-step-slider');
    await slider.waitFor();
    const last = await page.getByTestId('kernel-step').textContent();
    await expect.poll(() => page.locator('[data-panel="heatmaps"] .echart').count()).toBe(3);
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('kernel-step').textContent()).toBe('0');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    const middle = await page.getByTestId('kernel-step').textContent();
    expect(Number(middle)).toBeGreaterThan(0);
    expect(middle).not.toBe(last);
    await page.waitForTimeout(300);
    await shot('05-run-kernels');
    await page.locator('[data-panel="sweep"]').scrollIntoViewIfNeeded();
    await expect.poll(() => chartPoints('sweep')).toBeGreaterThan(0);
    await expect.poll(() => chartPoints('spectrum-all')).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('05b-run-sweep-spectrum');
  });

  it('exports the run as an HTML report and a metrics CSV through the Export dialog', async () => {
    await page.getByTestId('export-run').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.getByTestId('export-format-csv').check();
    await shot('05c-run-export-dialog');
    const downloads: import('playwright-core').Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => downloads.length, { timeout: 120_000 }).toBe(2);
    const html = downloads.find((d) => d.suggestedFilename().endsWith('.html'));
    const csv = downloads.find((d) => d.suggestedFilename().endsWith('.csv'));
    const report = readFileSync(await (html as import('playwright-core').Download).path(), 'utf8');
    expect(report).toContain('Run report: Fig. 1 at a small scale');
    expect((report.match(/<figure data-chart=/g) ?? []).length).toBeGreaterThan(8);
    expect(report).toContain('ntk-workbench train --config');
    const rows = readFileSync(await (csv as import('playwright-core').Download).path(), 'utf8').split('\n');
    expect(rows[0]).toBe('run,step,wall_time,name,value');
    expect(rows.some((r) => /^"Fig\. 1 at a small scale \(m = 256, 2000 steps\)[^"]*",\d+,[^,]+,loss,/.test(r))).toBe(true);
    await expect.poll(() => page.getByTestId('export-saved').textContent()).toContain('exports');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('compares two runs', async () => {
    await page.locator('nav.crumbs a').nth(1).click();
    await page.waitForURL(/#\/projects\/\d+$/);
    await startPresetRun('fig1-small', async (p) => {
      await p.getByLabel('Name', { exact: true }).fill('Fig. 1 small, m = 128, 1000 steps');
      await shot('06a-new-run-form');
      // A width of 0 is refused inline before anything reaches the server.
      await p.getByTestId('field-width').fill('0');
      await p.getByTestId('start-run').click();
      await expect.poll(() => p.locator('[data-path="model.width"]').textContent()).toContain('must be from 1');
      expect(p.url()).toMatch(/\/new/);
      await p.locator('[data-path="model.width"]').scrollIntoViewIfNeeded();
      await shot('06b-new-run-invalid');
      await p.getByTestId('field-width').fill('128');
      await p.getByTestId('field-steps').fill('1000');
      await p.getByRole('group', { name: 'Kernels schedule' }).scrollIntoViewIfNeeded();
      await shot('06c-new-run-logging');
    });
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 180_000 }).toBe('done');
    await page.locator('nav.crumbs a').nth(1).click();
    await expect.poll(() => page.locator('[data-testid="runs-table"] tbody tr').count()).toBe(2);
    await page.waitForTimeout(300);
    await shot('06-project-runs');
    await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
    await page.getByTestId('compare-selected').click();
    await page.waitForURL(/#\/compare\?runs=/);
    await expect.poll(() => chartPoints('compare'), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('compare-y').selectOption('outputs/0/0');
    await expect.poll(() => chartPoints('compare'), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('07-compare');
    await page.getByTestId('mode-sweep').click();
    await expect.poll(() => chartPoints('compare-sweep'), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('08-compare-sweep');
  });

  it('imports a dropped series of PyTorch checkpoints, freezes a layer and charts the drift', async () => {
    const series = fileURLToPath(new URL('../fixtures/onnx/external/series/', import.meta.url));
    const names = readdirSync(series).filter((n) => n.endsWith('.onnx'));
    const files = names.map((name) => ({ name, data: readFileSync(join(series, name)).toString('base64') }));
    const manifest = JSON.parse(readFileSync(join(series, '..', 'manifest.json'), 'utf8'));
    const probe = join(workbench.workspace, 'probe.json');
    writeFileSync(probe, JSON.stringify({ inputs: manifest.series[0].probe }));
    await page.locator('nav.crumbs a').nth(1).click();
    await page.waitForURL(/#\/projects\/\d+$/);
    await page.getByTestId('import-onnx').click();
    await page.waitForURL(/#\/projects\/\d+\/import$/);
    // A real drop event with real File objects: a browser gives no paths, so the view uploads them (uploads:write).
    await page.evaluate((list) => {
      const transfer = new DataTransfer();
      for (const { name, data } of list) transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
      const target = document.querySelector('[data-testid="import-models"]') as HTMLElement;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await expect.poll(() => page.getByTestId('import-param-count').textContent(), { timeout: 60_000 }).toContain(`${manifest.series[0].paramCount} trainable`);
    const lines = (await page.getByTestId('import-models').inputValue()).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => line.startsWith(join(workbench.workspace, 'uploads')))).toBe(true);
    expect(lines.map((line) => line.slice(line.lastIndexOf('/') + 1))).toEqual(['torch-mlp-step-0000.onnx', 'torch-mlp-step-0005.onnx', 'torch-mlp-step-0020.onnx', 'torch-mlp-step-0060.onnx']);
    const firstParam = page.locator('[data-testid="import-model"] tbody tr').first();
    await firstParam.locator('input[type="checkbox"]').check();
    await expect.poll(() => page.getByTestId('import-param-count').textContent()).not.toContain(`${manifest.series[0].paramCount} trainable`);
    await page.getByTestId('import-probe').fill(probe);
    await shot('12-import-form');
    await page.getByTestId('start-import').click();
    await page.waitForURL(/#\/runs\/\d+/);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => chartPoints('drift'), { timeout: 30_000 }).toBe(4);
    await page.waitForTimeout(300);
    await shot('13-import-drift');
    await page.getByTestId('tab-kernels').click();
    await expect.poll(() => page.getByTestId('kernel-step').textContent()).toBe('60');
    await expect.poll(() => page.locator('[data-panel="heatmaps"] .echart').count()).toBe(3);
    await expect.poll(() => chartPoints('spectrum-all')).toBeGreaterThan(0);
    expect(await page.locator('[data-panel="sweep"]').count()).toBe(0);
    await page.waitForTimeout(300);
    await shot('14-import-kernels');
  });

  it('exports the project as a download and imports the file back as a second project with its runs', async () => {
    await page.locator('nav.crumbs a').nth(1).click();
    await page.waitForURL(/#\/projects\/\d+$/);
    const runCount = await page.locator('[data-testid="runs-table"] tbody tr').count();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-project').click()]);
    expect(download.suggestedFilename()).toMatch(/^fig-1-divergence-.*\.ntkproject$/);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 15).toString()).toBe('SQLite format 3');
    await page.getByRole('link', { name: 'Projects' }).first().click();
    await page.waitForURL(/#\/$|#\/projects$|\/$/);
    await page.getByTestId('import-project').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: bytes });
    await page.waitForURL(/#\/projects\/\d+$/);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Fig. 1 divergence');
    await expect.poll(() => page.locator('[data-testid="runs-table"] tbody tr').count()).toBe(runCount);
    await shot('15-imported-project');
  });

  it('shows settings and switches to the dark theme', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.getByTestId('workspace').textContent()).toBe(workbench.workspace);
    await page.getByTestId('theme-dark').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot('09-settings-dark');
    await page.goto(`${workbench.url}#/runs/${firstRun}`);
    await expect.poll(() => chartPoints('loss'), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot('10-run-dark');
    await page.getByTestId('tab-config').click();
    await expect.poll(() => page.locator('pre').first().textContent()).toContain('"circleSweep": 101');
    await shot('11-run-config-dark');
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
