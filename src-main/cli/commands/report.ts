// `ntk-workbench report RUN... --format F --out PATH`: a run, a comparison of several or a project as a report
// (HTML, PDF) or data (CSV, JSON, npy/npz, ONNX). RUN is a run id or name in the workspace, or a run folder from
// `train --out` / `drift --run`. Reads the store; never changes it.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CodedError } from '../../contract/result';
import { readRunFolder } from '../../node/report/folder-run';
import type { ReportRun } from '../../node/report/report-run';
import { REPORT_FORMATS, type ReportFormat, writeReport } from '../../node/report/report-writer';
import { findStoreRun, storeReportRun } from '../../node/report/store-run';
import { openStore, type Store } from '../../node/store/store';
import { storePathIn } from '../../node/store/workspace-dir';
import { UsageError } from '../usage-error';
import { workspaceDirFrom } from '../workspace-run';

export const reportUsage = `ntk-workbench report RUN... --format html|pdf|csv|json|npy|onnx|figures --out PATH [--workspace DIR]
                    [--project NAME] [--kernel-steps S1,S2,...] [--points N] [--heatmap-rows R] [--size WxH]
       ntk-workbench report --project NAME --format F --out PATH

  RUN        a run id or name in the workspace (names within --project when given), or a run folder written by
             'train --out' or 'drift --run'. One RUN gives a run report, several a comparison; --project alone
             gives the project report (its runs table and a section per run).
  --format   html: one self-contained file (inline SVG charts, no network); pdf: the same as vector PDF;
             csv: metrics in long form (run, step, wall_time, name, value) at PATH and wide form at PATH.wide.csv;
             json: records and every metric point; npy: a new folder with kernels/*.npy, kernels.npz, spectra.npy,
             params-{initial,final}.npz and arrays.json; onnx: the trained FCN/ResNet as an ONNX model (one run);
             figures: a new folder with each chart alone as .svg and .pdf at --size inches (default 6x3.5) and
             the plotted data as .csv.
  --kernel-steps  steps whose K_0 / K_t / K_t - K_0 heatmaps the report shows (default the last stored).
  --points   points per line after LTTB thinning (default 600); the data formats keep every point.
  --heatmap-rows  heatmaps are block-averaged to at most this many rows (default 64, at most 256).
  A run still going is reported with what it has committed so far, marked partial.`;

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      workspace: { type: 'string' },
      project: { type: 'string' },
      'kernel-steps': { type: 'string' },
      points: { type: 'string' },
      'heatmap-rows': { type: 'string' },
      size: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format as ReportFormat | undefined;
  if (!format || !values.out) throw new UsageError('report needs --format and --out', reportUsage);
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`, reportUsage);
  if (positionals.length === 0 && !values.project) throw new UsageError('name at least one RUN, or --project for a project report', reportUsage);
  const integer = (flag: string, text: string | undefined, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} must be an integer in [${min}, ${max}]`, reportUsage);
    return Number(text);
  };
  const kernelSteps = values['kernel-steps']?.split(',').map((s) => integer('--kernel-steps', s.trim(), 0, Number.MAX_SAFE_INTEGER) as number);
  const options = { kernelSteps, maxPoints: integer('--points', values.points, 10, 100_000), heatmapRows: integer('--heatmap-rows', values['heatmap-rows'], 1, 256) };

  const sizeMatch = values.size === undefined ? null : /^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$/.exec(values.size);
  if (values.size !== undefined && (!sizeMatch || Number(sizeMatch[1]) <= 0 || Number(sizeMatch[2]) <= 0 || Number(sizeMatch[1]) > 40 || Number(sizeMatch[2]) > 40))
    throw new UsageError('--size is WIDTHxHEIGHT in inches, e.g. 6x3.5 (at most 40 each)', reportUsage);
  const figureSize = sizeMatch ? { widthIn: Number(sizeMatch[1]), heightIn: Number(sizeMatch[2]) } : undefined;

  let store: Store | undefined;
  const workspace = workspaceDirFrom(values.workspace);
  const openOnce = (): Store => {
    if (store) return store;
    const path = storePathIn(workspace);
    // Opening creates a missing database; a report must not, so a workspace without one has no runs to name.
    if (!existsSync(path)) throw new CodedError('store/not-found', `no workspace database at ${path} (and no run folder of that name)`);
    store = openStore(path);
    return store;
  };
  try {
    const runs: ReportRun[] = [];
    for (const ref of positionals) {
      if (await isFolder(ref)) runs.push(await readRunFolder(ref));
      else {
        const s = openOnce();
        runs.push(storeReportRun(s, findStoreRun(s, ref, values.project), workspace));
      }
    }
    let project: { name: string; notes: string } | undefined;
    if (positionals.length === 0 && values.project) {
      const s = openOnce();
      const found = s.projects.find(values.project);
      if (!found) throw new CodedError('store/not-found', `no project named "${values.project}" in ${s.path}`);
      project = { name: found.name, notes: found.notes };
      for (const record of s.runs.list(found.id)) runs.push(storeReportRun(s, record, workspace));
    }
    const result = await writeReport({ format, out: values.out, runs, project, options, figureSize });
    const partial = result.partial ? ' (partial: a run is still going)' : '';
    process.stdout.write(`${format} report of ${project ? `project "${project.name}"` : `${runs.length} run${runs.length === 1 ? '' : 's'}`}${partial}: ${result.files.join(', ')} (${result.bytes} bytes)\n`);
    return 0;
  } finally {
    store?.close();
  }
}
