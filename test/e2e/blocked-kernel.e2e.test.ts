// A dataset-scale kernel from the browser build: the Import view's "blocked, on disk" option with a memory budget
// ("2XB" refused as typed), a run whose progress bar counts blocks, Cancel between blocks (an unfinished kernel file
// listed), Resume (a new run that finishes the file), the file's spectrum and the .npy downloaded by the browser and
// read back (shape, dtype, symmetric values). Fails on any console error; screenshots go to test-artifacts/e2e/.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParams, type FcnArchitecture } from '../../src-main/core/models/architecture';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { fcnOnnx } from '../fixtures/onnx/fcn-onnx';
import { float64s, readNpy } from '../helpers/npy-reader';
import { serveWorkbench, type Workbench } from './serve-workbench';
import { openBrowser } from './open-browser';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const arch: FcnArchitecture = { arch: 'fcn', inputDim: 784, outputs: 10, widths: [256, 256], bias: true, parameterization: 'ntk' };
const N = 1500;
// 1500 samples in blocks of 25: 60 row blocks, 60 x 61 / 2 = 1830 upper-triangle blocks.
const BLOCKS = 1830;

let workbench: Workbench;
let browser: Browser;
let page: Page;
let projectId = 0;
let model = '';
const pageErrors: string[] = [];
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const progressText = () => page.getByTestId('progress').textContent();
const blockOf = (text: string | null) => Number(/block ([\d,]+)/.exec(text ?? '')?.[1].replace(/,/g, '') ?? -1);

describe('dataset-scale kernel in the browser', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    model = join(mkdtempSync(join(tmpdir(), 'ntk-e2e-model-')), 'mlp-step-0.onnx');
    writeFileSync(model, fcnOnnx(arch, initParams(arch, 3), 'gemm-alpha').bytes);
    workbench = await serveWorkbench();
    const store = openStore(storePathIn(workbench.workspace));
    try {
      projectId = store.projects.create('blocked kernels').id;
    } finally {
      store.close();
    }
    ({ browser, page } = await openBrowser(1280, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await workbench?.stop();
  });

  it('starts a blocked import, cancels it between blocks, resumes it, shows the spectrum and downloads the .npy', async () => {
    await page.goto(`${workbench.url}#/projects/${projectId}/import`);
    await expect.poll(() => page.getByTestId('status-line').textContent()).toContain('web bridge');
    await page.getByTestId('import-models').fill(model);
    await page.getByTestId('import-probe').fill(`mnist:${N}`);
    await page.getByTestId('import-blocked-kernel').check();
    const memory = page.getByTestId('import-memory');
    // The default budget is 3/4 of the host's free memory, written in MiB.
    expect(await memory.inputValue()).toMatch(/^\d+MiB$/);
    await memory.fill('2XB');
    await expect.poll(() => page.locator('[data-path="memory"]').textContent()).toContain('"2XB" is not a memory size');
    await shot('blocked-01-bad-budget');
    await memory.fill('2GB');
    await page.getByTestId('import-block-size').fill('25');
    await page.getByTestId('import-name').fill('blocked mnist');
    await shot('blocked-02-form');
    await page.getByTestId('start-import').click();

    await expect.poll(() => progressText(), { timeout: 120_000 }).toContain(`/ ${BLOCKS.toLocaleString('en')}`);
    await expect.poll(async () => blockOf(await progressText()), { timeout: 120_000 }).toBeGreaterThan(20);
    // The file is listed live from its sidecar while blocks are written.
    await expect.poll(() => page.getByTestId('kernel-file-0').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`\\d+ / ${BLOCKS} \\(unfinished\\)`));
    await shot('blocked-03-block-progress');
    await page.getByTestId('cancel-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toContain('cancelled');
    const row = page.getByTestId('kernel-file-0');
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('(unfinished)');
    expect(await row.textContent()).toContain(`${N} × ${N} float64`);
    await shot('blocked-04-cancelled');

    await page.getByTestId('resume-run').click();
    await expect.poll(() => page.getByTestId('run-title').textContent(), { timeout: 30_000 }).toContain('(resumed)');
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 240_000, interval: 1000 }).toContain('done');
    await expect.poll(() => page.getByTestId('kernel-file-0').textContent(), { timeout: 30_000 }).toContain(`${BLOCKS} / ${BLOCKS}`);
    expect(await page.getByTestId('kernel-file-0').textContent()).not.toContain('unfinished');
    await expect.poll(() => page.locator('[data-panel="file-spectrum"] canvas').count()).toBeGreaterThan(0);
    await shot('blocked-05-resumed-done');

    const downloaded = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByTestId('download-kernel-0').click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe('blocked-mnist-resumed-step-0.npy');
    const array = readNpy(readFileSync(await download.path()));
    expect(array).toMatchObject({ descr: '<f8', shape: [N, N] });
    const k = float64s(array);
    for (const [i, j] of [[0, 1], [7, 1200], [1499, 3]]) expect(k[i * N + j]).toBe(k[j * N + i]);
    expect(k[0]).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('kernel-download-status').textContent()).toContain('Downloaded');
    await shot('blocked-06-downloaded');
    await page.getByTestId('tab-kernels').click();
    await expect.poll(() => page.getByTestId('kernels-on-disk').isVisible()).toBe(true);
    await page.getByTestId('tab-config').click();
    const timings = page.getByLabel('Seconds per stage');
    await expect.poll(() => timings.textContent()).toMatch(/kernel\s*\d+\.\d{3} s.*spectrum\s*\d+\.\d{3} s/s);
    await timings.scrollIntoViewIfNeeded();
    await shot('blocked-07-config-timings');
    expect(pageErrors).toEqual([]);
  });
});
