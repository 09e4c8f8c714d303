// The desktop app's report exports: the host writes the export under exports/ as for every client, then the native
// save dialog asks where it goes and the file is copied there (the exports/ copy removed); a PDF is printed by
// Chromium (webContents.printToPDF) from the report's HTML, so it is the HTML report on paper. Electron's side comes
// in as DesktopShell (desktop-shell.ts), so this runs in plain node against a fake.
import { rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ApiHandlers, RequestOf } from '../contract/api';
import { CodedError } from '../contract/result';
import { copyFileAtomic, writeFileAtomic } from '../node/atomic-write';

type ExportFormat = RequestOf<'reports:export'>['format'];

/** What the save dialog offers: the suggested file name and the one file type it filters on. */
export interface SaveDialogRequest {
  readonly defaultName: string;
  readonly filterName: string;
  readonly extension: string;
}

export interface DesktopShell {
  /** The path the user chose, or null when they cancelled. */
  chooseSavePath(request: SaveDialogRequest): Promise<string | null>;
  /** The HTML file laid out by Chromium and printed to PDF bytes. */
  printToPdf(htmlFile: string): Promise<Uint8Array>;
}

const FILTER_NAMES: Record<ExportFormat, string> = {
  html: 'HTML report',
  pdf: 'PDF report',
  csv: 'CSV table',
  json: 'JSON',
  npy: 'Arrays (.npy/.npz) in a zip',
  figures: 'Figures in a zip',
  onnx: 'ONNX model',
};

/** The dialog for a file the host wrote at `written` (an HTML file when the user asked for a PDF). */
export function saveDialogFor(format: ExportFormat, written: string): SaveDialogRequest {
  const defaultName = format === 'pdf' ? `${basename(written, extname(written))}.pdf` : basename(written);
  return { defaultName, filterName: FILTER_NAMES[format], extension: extname(defaultName).slice(1) };
}

/** Where a companion file of `written` goes when `written` is saved as `target` (run-4.wide.csv -> chosen.wide.csv). */
function besideTarget(file: string, written: string, target: string): string {
  const stem = (p: string) => p.slice(0, p.length - extname(p).length);
  return file.startsWith(stem(written)) ? `${stem(target)}${file.slice(stem(written).length)}` : join(dirname(target), basename(file));
}

/** The service's handlers with 'reports:export' going through the save dialog when the request names no path. */
export function withDesktopExports(handlers: ApiHandlers, shell: DesktopShell): ApiHandlers {
  const exportReport = handlers['reports:export'];
  return {
    ...handlers,
    'reports:export': async (request) => {
      if (request.path !== undefined) return exportReport(request);
      const printed = request.format === 'pdf';
      // One file whatever the format: a folder export comes as a zip, a PDF as the HTML it is printed from.
      const written = await exportReport({ ...request, format: printed ? 'html' : request.format, archive: true });
      try {
        const target = await shell.chooseSavePath(saveDialogFor(request.format, written.path));
        if (!target) throw new CodedError('export/cancelled', 'the export was cancelled in the save dialog; nothing was saved');
        if (!printed) {
          await copyFileAtomic(written.path, target);
          const also = await Promise.all(written.also.map(async (file) => {
            const beside = besideTarget(file, written.path, target);
            await copyFileAtomic(file, beside);
            await rm(file, { force: true });
            return beside;
          }));
          return { ...written, path: target, delivered: true, also };
        }
        const pdf = await shell.printToPdf(written.path);
        await writeFileAtomic(target, pdf);
        return { ...written, path: target, bytes: pdf.byteLength, delivered: true };
      } finally {
        await rm(written.path, { force: true });
      }
    },
  };
}
