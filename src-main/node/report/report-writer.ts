// The one entry that turns runs into report and export files, for the CLI and the app alike: checks the output
// path first (its folder must exist and be writable), builds the model, writes each file atomically (temp file,
// fsync, rename; a folder export is assembled beside the target and renamed into place, or written as one zip), so a
// failure or a full disk leaves no half-written file. It only reads the store.
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CodedError } from '../../contract/result';
import { encodeZip } from '../../core/io/zip';
import { writeFileAtomic } from '../atomic-write';
import { runArrayFiles, type ExportFile } from './array-export';
import { buildCompareReport, buildProjectReport, type CompareReportModel } from './compare-report';
import { compareReportHtml, runReportHtml } from './html-report';
import { metricsJson, metricsLongCsv, metricsWideCsv } from './metrics-export';
import { compareReportPdf, runReportPdf } from './pdf-report';
import { type ReportRun, runLabel, runSlug } from './report-run';
import { buildRunReport, type ReportOptions, type RunReportModel } from './run-report';
import { onnxExport } from './onnx-export';
import { figureFiles, type FigureSize } from './figures';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json', 'npy', 'onnx', 'figures'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  readonly format: ReportFormat;
  readonly out: string;
  readonly runs: readonly ReportRun[];
  /** Makes it a project report (the runs are the project's). */
  readonly project?: { readonly name: string; readonly notes: string };
  readonly options?: ReportOptions;
  /** Size of each figure of the 'figures' format. */
  readonly figureSize?: FigureSize;
  /** npy and figures: one .zip file at `out` holding what the folder would (a browser downloads one file). */
  readonly archive?: boolean;
}

export interface ReportResult {
  /** Absolute paths written (a folder for npy). */
  readonly files: readonly string[];
  readonly bytes: number;
  /** Some run was still going: the report shows what was committed so far. */
  readonly partial: boolean;
}

/** The folder that will hold `path` must exist and be writable; `path` itself must not be a folder (a file format). */
async function checkTarget(path: string, folder: boolean): Promise<void> {
  const parent = dirname(path);
  const info = await stat(parent).catch(() => undefined);
  if (!info?.isDirectory()) throw new CodedError('io/failed', `cannot write ${path}: the folder ${parent} does not exist`);
  try {
    await access(parent, constants.W_OK);
  } catch {
    throw new CodedError('io/failed', `cannot write ${path}: the folder ${parent} is not writable`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() && !folder) throw new CodedError('io/failed', `cannot write ${path}: it is a folder`);
  if (existing && folder) throw new CodedError('io/failed', `cannot write ${path}: it already exists (an npy export makes a new folder)`);
}

/** Writes the files under a fresh folder beside `dir`, then renames it into place. */
async function writeFolder(dir: string, files: readonly ExportFile[]): Promise<number> {
  const temp = `${dir}.tmp-${process.pid}`;
  let bytes = 0;
  try {
    for (const f of files) {
      const path = join(temp, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, f.bytes);
      bytes += typeof f.bytes === 'string' ? Buffer.byteLength(f.bytes) : f.bytes.byteLength;
    }
    await rename(temp, dir);
    return bytes;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof CodedError) throw error;
    throw new CodedError('io/failed', `cannot write ${dir}: ${(error as Error).message}`);
  }
}

/** Each run's files in a folder of its own (`01-<name>/...`), for exports of several runs. */
const inRunFolders = (runs: readonly ReportRun[], filesOf: (run: ReportRun, i: number) => readonly ExportFile[]): ExportFile[] =>
  runs.flatMap((run, i) => filesOf(run, i).map((f) => ({ ...f, path: `${String(i + 1).padStart(2, '0')}-${runSlug(run)}/${f.path}` })));

/** A folder export as a folder, or as one zip file at `out` (`archive`); its bytes. */
async function writeFiles(out: string, files: readonly ExportFile[], archive: boolean | undefined): Promise<number> {
  await checkTarget(out, !archive);
  if (!archive) return writeFolder(out, files);
  const encoder = new TextEncoder();
  const zip = encodeZip(files.map((f) => ({ name: f.path, data: typeof f.bytes === 'string' ? encoder.encode(f.bytes) : f.bytes })));
  await writeFileAtomic(out, zip);
  return zip.byteLength;
}

async function reportModel(request: ReportRequest): Promise<{ single?: RunReportModel; many?: CompareReportModel }> {
  if (request.project) return { many: await buildProjectReport(request.project, request.runs, request.options) };
  if (request.runs.length === 1) return { single: await buildRunReport(request.runs[0], request.options) };
  return { many: await buildCompareReport(request.runs, request.options) };
}

export async function writeReport(request: ReportRequest): Promise<ReportResult> {
  const out = resolve(request.out);
  if (request.runs.length === 0 && !request.project) throw new CodedError('data/invalid', 'a report needs at least one run');
  const partial = request.runs.some((r) => r.partial);
  const labelled = () => request.runs.map((r) => ({ label: runLabel(r), metrics: r.metrics() }));
  switch (request.format) {
    case 'html':
    case 'pdf': {
      await checkTarget(out, false);
      const model = await reportModel(request);
      const data =
        request.format === 'html'
          ? model.single
            ? runReportHtml(model.single)
            : compareReportHtml(model.many as CompareReportModel)
          : model.single
            ? await runReportPdf(model.single)
            : await compareReportPdf(model.many as CompareReportModel);
      await writeFileAtomic(out, data);
      return { files: [out], bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, partial };
    }
    case 'csv': {
      // Long form at the path, wide form beside it (name.wide.csv).
      await checkTarget(out, false);
      const wide = out.replace(/(\.csv)?$/i, '.wide.csv');
      const long = metricsLongCsv(labelled());
      const wideText = metricsWideCsv(labelled());
      await writeFileAtomic(out, long);
      await writeFileAtomic(wide, wideText);
      return { files: [out, wide], bytes: Buffer.byteLength(long) + Buffer.byteLength(wideText), partial };
    }
    case 'json': {
      await checkTarget(out, false);
      const text = metricsJson(request.runs);
      await writeFileAtomic(out, text);
      return { files: [out], bytes: Buffer.byteLength(text), partial };
    }
    case 'npy': {
      const files = request.runs.length === 1 ? runArrayFiles(request.runs[0]) : inRunFolders(request.runs, runArrayFiles);
      return { files: [out], bytes: await writeFiles(out, files, request.archive), partial };
    }
    case 'figures': {
      // Every chart of the report alone: a folder of .svg, .pdf and .csv per chart (a comparison: its overlays; a
      // project: each run's charts in a folder of its own).
      await checkTarget(out, !request.archive);
      const model = await reportModel(request);
      const runCharts = (m: RunReportModel) => [...m.charts, ...m.kernelCharts];
      const many = model.many as CompareReportModel;
      const sections = request.project ? await Promise.all(many.runs.map((m) => figureFiles(runCharts(m), request.figureSize))) : [];
      const files = model.single
        ? await figureFiles(runCharts(model.single), request.figureSize)
        : request.project
          ? inRunFolders(request.runs, (_, i) => sections[i])
          : await figureFiles(many.charts, request.figureSize);
      return { files: [out], bytes: await writeFiles(out, files, request.archive), partial };
    }
    case 'onnx': {
      if (request.runs.length !== 1) throw new CodedError('data/invalid', `an ONNX export is of one run, got ${request.runs.length}`);
      await checkTarget(out, false);
      const bytes = onnxExport(request.runs[0]);
      await writeFileAtomic(out, bytes);
      return { files: [out], bytes: bytes.byteLength, partial };
    }
    default:
      throw new CodedError('data/invalid', `unknown report format ${String(request.format)}; one of ${REPORT_FORMATS.join(', ')}`);
  }
}
