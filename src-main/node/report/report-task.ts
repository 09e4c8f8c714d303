// The app's report export (contract 'reports:export'), run in a task worker so rendering charts never blocks the
// thread serving the UI: opens the workspace store on its own connection, reads the runs, writes the report under
// <workspace>/exports/ unless a path is given (Electron's save dialog), and answers where it landed.
import type { ReportExportDto, RequestOf } from '../../contract/api';
import { CodedError } from '../../contract/result';
import { openStore } from '../store/store';
import { storePathIn } from '../store/workspace-dir';
import { exportPath, exportsDir } from '../transfers/export-files';
import { mkdir } from 'node:fs/promises';
import { runLabel } from './report-run';
import { writeReport } from './report-writer';
import { storeReportRun } from './store-run';

const SUFFIX = { html: '.html', pdf: '.pdf', csv: '.csv', json: '.json', npy: '-arrays', onnx: '.onnx', figures: '-figures' } as const;
const FOLDER_FORMATS: readonly string[] = ['npy', 'figures'];

export async function exportReportTask(workspaceDir: string, request: RequestOf<'reports:export'>): Promise<ReportExportDto> {
  const store = openStore(storePathIn(workspaceDir));
  try {
    const runIds = request.runIds ?? [];
    const project = runIds.length === 0 && request.projectId !== undefined ? store.projects.get(request.projectId) : undefined;
    const records = project ? store.runs.list(project.id) : runIds.map((id) => store.runs.get(id));
    if (records.length === 0 && !project) throw new CodedError('data/invalid', 'a report needs at least one run');
    const runs = records.map((r) => storeReportRun(store, r, workspaceDir));
    const name = project ? project.name : runs.length === 1 ? runLabel(runs[0]) : `comparison-${runs.length}-runs`;
    if (!request.path) await mkdir(exportsDir(workspaceDir), { recursive: true });
    const folder = FOLDER_FORMATS.includes(request.format) && !request.archive;
    const suffix = `${SUFFIX[request.format]}${FOLDER_FORMATS.includes(request.format) && request.archive ? '.zip' : ''}`;
    const path = request.path ?? exportPath(workspaceDir, name, { suffix });
    const result = await writeReport({
      format: request.format,
      out: path,
      runs,
      project: project ? { name: project.name, notes: project.notes } : undefined,
      options: { kernelSteps: request.kernelSteps },
      archive: request.archive,
    });
    return { path: result.files[0], bytes: result.bytes, partial: result.partial, folder, delivered: request.path !== undefined, also: result.files.slice(1) };
  } finally {
    store.close();
  }
}
