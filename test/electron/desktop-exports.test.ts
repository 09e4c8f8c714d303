// The desktop app's exports in plain node: the real service writes the export, a fake of Electron's save dialog and
// printToPDF (desktop-shell.ts is all that touches Electron) stands in for the user and Chromium. Checked: the file
// lands where the dialog chose (a PDF printed from the report's HTML, npy as one zip), nothing stays under exports/,
// a cancelled dialog saves nothing and answers export/cancelled, and a request with a path never opens the dialog.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportExportDto } from '../../src-main/contract/api';
import { dispatch } from '../../src-main/contract/dispatch';
import type { ApiHandlers } from '../../src-main/contract/api';
import type { Result } from '../../src-main/contract/result';
import { type DesktopShell, type SaveDialogRequest, withDesktopExports } from '../../src-main/electron/desktop-exports';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { exportsDir } from '../../src-main/node/transfers/export-files';
import { float64s, readNpy, readZip } from '../helpers/npy-reader';
import { createSyntheticRun, SMALL } from '../helpers/report-runs';
import { createTestService, type TestService } from '../helpers/test-service';

const PDF_MAGIC = '%PDF-';

/** The user and Chromium: answers each dialog with the next of `answers`, "prints" the HTML it is given. */
function fakeShell(answers: (string | null)[]): DesktopShell & { dialogs: SaveDialogRequest[]; printed: string[] } {
  const dialogs: SaveDialogRequest[] = [];
  const printed: string[] = [];
  return {
    dialogs,
    printed,
    async chooseSavePath(request) {
      dialogs.push(request);
      return answers.shift() ?? null;
    },
    async printToPdf(htmlFile) {
      const html = readFileSync(htmlFile, 'utf8');
      printed.push(html);
      return new TextEncoder().encode(`${PDF_MAGIC}1.7 printed from ${html.length} characters of HTML`);
    },
  };
}

let service: TestService;
let runId: number;
const saveDir = mkdtempSync(join(tmpdir(), 'ntk-desktop-save-'));
afterAll(() => rmSync(saveDir, { recursive: true, force: true }));

beforeAll(async () => {
  service = await createTestService('ipc');
  const store = openStore(storePathIn(service.workspaceDir));
  runId = createSyntheticRun(store, 'desktop', SMALL);
  store.close();
});
afterAll(async () => service?.dispose());

const exportWith = async (handlers: ApiHandlers, request: object) => (await dispatch(handlers, 'reports:export', request)) as Result<ReportExportDto>;
const leftInExports = () => (existsSync(exportsDir(service.workspaceDir)) ? readdirSync(exportsDir(service.workspaceDir)) : []);

describe('desktop exports (save dialog, printToPDF)', () => {
  it('prints the PDF from the HTML report and saves it where the dialog chose', async () => {
    const target = join(saveDir, 'chosen.pdf');
    const shell = fakeShell([target]);
    const result = await exportWith(withDesktopExports(service.handlers, shell), { runIds: [runId], format: 'pdf', kernelSteps: [200] });
    expect(result).toMatchObject({ ok: true, value: { path: target, delivered: true, folder: false, partial: false } });
    expect(shell.dialogs).toEqual([{ defaultName: expect.stringMatching(/^synthetic-small-.*\.pdf$/), filterName: 'PDF report', extension: 'pdf' }]);
    expect(shell.printed).toHaveLength(1);
    expect(shell.printed[0]).toContain('data-chart="heatmap-kt-200"');
    const saved = readFileSync(target, 'utf8');
    expect(saved.startsWith(PDF_MAGIC)).toBe(true);
    expect(result.ok && result.value.bytes).toBe(Buffer.byteLength(saved));
    expect(leftInExports()).toEqual([]);
  });

  it('saves npy as one zip whose arrays read back, and the other formats as the file the host wrote', async () => {
    const shell = fakeShell([join(saveDir, 'arrays.zip'), join(saveDir, 'metrics.json')]);
    const handlers = withDesktopExports(service.handlers, shell);
    const npy = await exportWith(handlers, { runIds: [runId], format: 'npy' });
    expect(npy).toMatchObject({ ok: true, value: { path: join(saveDir, 'arrays.zip'), delivered: true, folder: false } });
    expect(shell.dialogs[0]).toMatchObject({ defaultName: expect.stringMatching(/-arrays\.zip$/), extension: 'zip' });
    const members = readZip(readFileSync(join(saveDir, 'arrays.zip')));
    expect([...members.keys()]).toEqual(expect.arrayContaining(['kernels.npz', 'spectra.npy', 'arrays.json']));
    const k0 = readNpy(members.get([...members.keys()].find((name) => /^kernels\/step-0+-full\.npy$/.test(name)) as string) as Uint8Array);
    expect(k0.shape).toEqual([SMALL.n, SMALL.n]);
    // createSyntheticRun's kernel at t = 0: exp(0) * 1 + 0.5 on the diagonal.
    expect(float64s(k0)[0]).toBe(1.5);
    const json = await exportWith(handlers, { runIds: [runId], format: 'json' });
    expect(json).toMatchObject({ ok: true, value: { path: join(saveDir, 'metrics.json'), delivered: true } });
    expect(JSON.parse(readFileSync(join(saveDir, 'metrics.json'), 'utf8')).runs[0].name).toBe('synthetic-small');
    expect(leftInExports()).toEqual([]);
  });

  it("saves a CSV's wide form beside the long one the dialog chose, and leaves neither under exports/", async () => {
    const target = join(saveDir, 'my-metrics.csv');
    const handlers = withDesktopExports(service.handlers, fakeShell([target]));
    const csv = await exportWith(handlers, { runIds: [runId], format: 'csv' });
    const wide = join(saveDir, 'my-metrics.wide.csv');
    expect(csv).toMatchObject({ ok: true, value: { path: target, delivered: true, also: [wide] } });
    expect(readFileSync(target, 'utf8').split('\n')[0]).toBe('run,step,wall_time,name,value');
    expect(readFileSync(wide, 'utf8').split('\n')[0]).toMatch(/^run,step,wall_time,.*\bloss\b/);
    expect(leftInExports()).toEqual([]);
  });

  it('a cancelled dialog saves nothing and answers export/cancelled; a request with a path opens no dialog', async () => {
    const shell = fakeShell([null]);
    const handlers = withDesktopExports(service.handlers, shell);
    expect(await exportWith(handlers, { runIds: [runId], format: 'html' })).toMatchObject({ ok: false, code: 'export/cancelled' });
    expect(leftInExports()).toEqual([]);
    const path = join(saveDir, 'given.html');
    expect(await exportWith(handlers, { runIds: [runId], format: 'html', path })).toMatchObject({ ok: true, value: { path, delivered: true } });
    expect(shell.dialogs).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toContain('<svg');
  });
});
