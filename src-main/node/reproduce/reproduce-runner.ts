// Runs one reproduction experiment end to end: its sweep (node/sweeps: restartable run folders under
// OUT/runs/<experiment>-<scale>-<spec id>/, completed runs reused), the analysis, then OUT/<experiment>/ gets the
// data (data.json, a CSV per table, comparison.csv), one SVG + PDF + CSV per panel (report/figures.ts) and the
// experiment's report (report.html, report.pdf through the report engine). With a workspace the runs are merged
// into a project named after the experiment (merge is idempotent), so they show up in the app.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../../contract/result';
import { writeFileAtomic } from '../atomic-write';
import type { EngineChoice } from '../engines';
import type { CompareReportModel } from '../report/compare-report';
import { DEFAULT_FIGURE_SIZE, figureFiles } from '../report/figures';
import { readRunFolder } from '../report/folder-run';
import { compareReportHtml } from '../report/html-report';
import { csvField } from '../../charts/plotted-csv';
import { compareReportPdf } from '../report/pdf-report';
import { drawn, type ReportChart, type ReportTable } from '../report/run-report';
import { toJson } from '../run-output/run-writer';
import { openStore } from '../store/store';
import { storePathIn } from '../store/workspace-dir';
import { mergeRunFolders } from '../sweeps/merge-runs';
import { type ResolvedSweep, resolveSweep } from '../sweeps/resolve-sweep';
import { runSweepShard, type ShardEvent } from '../sweeps/run-sweep';
import { runDir } from '../sweeps/sweep-dir';
import { EXPERIMENTS } from './experiments';
import type { Comparison, ExperimentDefinition, ExperimentId, ExperimentResult, ExperimentRun, ReproduceOptions } from './experiment';

export interface ReproduceRunOptions {
  readonly out: string;
  /** Merge the runs into this workspace's store, project "Reproduce <experiment>". */
  readonly workspace?: string;
  readonly engine?: EngineChoice;
  readonly signal?: AbortSignal;
  /** Each run's start, progress and end (the CLI draws a bar per run). */
  readonly onRunEvent?: (event: ShardEvent) => void;
}

export interface ExperimentOutcome {
  readonly id: ExperimentId;
  readonly title: string;
  /** OUT/<experiment>/ and the run folders' sweep folder. */
  readonly dir: string;
  readonly runsDir: string;
  readonly files: readonly string[];
  readonly runs: number;
  readonly comparisons: readonly Comparison[];
  readonly result: ExperimentResult;
  readonly wallSeconds: number;
  readonly project?: string;
}

/** Size of each panel's SVG in the HTML report; the figure files use DEFAULT_FIGURE_SIZE. */
const REPORT_CHART_SIZE = { width: 640, height: 340 };

export const projectNameOf = (id: ExperimentId): string => `Reproduce ${id}`;

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function tableCsv(table: ReportTable): string {
  return `${[table.headers, ...table.rows].map((row) => row.map((c) => csvField(c)).join(',')).join('\n')}\n`;
}

export const comparisonTable = (comparisons: readonly Comparison[]): ReportTable => ({
  title: 'Measured against the paper',
  headers: ['quantity', 'measured', 'paper'],
  rows: comparisons.map((c) => [c.quantity, c.measured, c.paper]),
});

export interface ExperimentPlan {
  readonly definition: ExperimentDefinition;
  readonly sweep: ResolvedSweep;
  /** The sweep folder its runs go to: OUT/runs/<experiment>-<scale>-<spec id>. */
  readonly runsDir: string;
}

/** The experiment's runs and where they go; throws when this build cannot run it. */
export function planExperiment(id: ExperimentId, options: ReproduceOptions, out: string): ExperimentPlan {
  const definition = EXPERIMENTS[id];
  if (!definition) throw new CodedError('config/invalid', `unknown experiment ${id}; one of ${Object.keys(EXPERIMENTS).join(', ')}`);
  definition.check?.();
  const sweep = resolveSweep(definition.spec(options), `the ${id} experiment`);
  return { definition, sweep, runsDir: join(out, 'runs', `${id}-${options.scale}-${sweep.specId.slice(0, 8)}`) };
}

export async function reproduceExperiment(id: ExperimentId, options: ReproduceOptions, run: ReproduceRunOptions): Promise<ExperimentOutcome> {
  const started = performance.now();
  const { definition, sweep, runsDir } = planExperiment(id, options, run.out);
  const shard = await runSweepShard(sweep, runsDir, { engine: run.engine, signal: run.signal, onEvent: run.onRunEvent });
  if (run.signal?.aborted) throw new CodedError('train/cancelled', `${id}: cancelled`);
  if (shard.failed > 0) throw new CodedError('sweep/incomplete', `${id}: ${shard.failed} of ${sweep.runs.length} runs failed; see ${runsDir}/*/sweep-run.json`);

  const runs: ExperimentRun[] = [];
  for (const resolved of sweep.runs) {
    const folder = await readRunFolder(runDir(runsDir, resolved.id));
    runs.push({ axisValues: resolved.axisValues, config: resolved.config, run: folder, metrics: folder.metrics() });
  }
  const result = definition.analyse(runs, options);

  const dir = join(run.out, id);
  await mkdir(dir, { recursive: true });
  const charts: ReportChart[] = result.panels.map((p) => ({ id: p.id, title: p.title, hint: p.hint, ...drawn(p.option, REPORT_CHART_SIZE) }));
  const files: { path: string; bytes: string | Uint8Array }[] = [
    ...(await figureFiles(charts, DEFAULT_FIGURE_SIZE)),
    { path: 'data.json', bytes: `${toJson({ experiment: id, title: definition.title, options, runsDir, comparisons: result.comparisons, ...result.data }, 2)}\n` },
    { path: 'comparison.csv', bytes: tableCsv(comparisonTable(result.comparisons)) },
    ...result.tables.map((t) => ({ path: `table-${slug(t.title)}.csv`, bytes: tableCsv(t) })),
  ];
  const model: CompareReportModel = {
    title: definition.title,
    generated: new Date().toISOString(),
    warnings: [],
    notes: [definition.summary, ...result.notes, `Scale ${options.scale}; ${runs.length} runs in ${runsDir}.`],
    tables: [comparisonTable(result.comparisons), ...result.tables],
    charts,
    runs: [],
  };
  files.push({ path: 'report.html', bytes: compareReportHtml(model) }, { path: 'report.pdf', bytes: await compareReportPdf(model) });
  for (const f of files) await writeFileAtomic(join(dir, f.path), f.bytes);

  let project: string | undefined;
  if (run.workspace) {
    await mkdir(run.workspace, { recursive: true });
    const store = openStore(storePathIn(run.workspace));
    try {
      project = (await mergeRunFolders(store, [runsDir], { project: projectNameOf(id) })).projectName;
    } finally {
      store.close();
    }
  }
  return {
    id,
    title: definition.title,
    dir,
    runsDir,
    files: files.map((f) => join(dir, f.path)),
    runs: runs.length,
    comparisons: result.comparisons,
    result,
    wallSeconds: (performance.now() - started) / 1000,
    project,
  };
}
