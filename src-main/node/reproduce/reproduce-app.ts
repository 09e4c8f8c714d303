// The app's Reproduce entry (contract 'reproduce:start' / 'reproduce:panels'): the experiment's runs queued as store
// jobs in the project, tagged with the experiment, and its figure drawn from whichever of them have finished, so the
// panels fill in as the runs complete. The panels are the CLI's (same analysis, same option builders, SVG by SSR).
import type { ReproducePanelsDto, RequestOf } from '../../contract/api';
import { type ExperimentId, reproduceTag } from '../../contract/reproduce';
import { failureOf } from '../../contract/result';
import { parseRunConfig } from '../config-file';
import { renderChartSvg } from '../report/chart-svg';
import { storeReportRun } from '../report/store-run';
import { openStore } from '../store/store';
import { storePathIn } from '../store/workspace-dir';
import { type ResolvedRun, resolveSweep } from '../sweeps/resolve-sweep';
import { DEFAULT_REPRODUCE_OPTIONS, type ExperimentRun, type ReproduceOptions } from './experiment';
import { EXPERIMENTS } from './experiments';

const PANEL_SIZE = { width: 560, height: 320 };

export function reproduceOptionsOf(request: RequestOf<'reproduce:start'>): ReproduceOptions {
  return { ...DEFAULT_REPRODUCE_OPTIONS, scale: request.scale ?? 'small', steps: request.steps, widths: request.widths, seeds: request.seeds };
}

/** The runs an experiment needs, each with the experiment's tag among its tags; throws when this build cannot run it. */
export function plannedRuns(experiment: ExperimentId, options: ReproduceOptions): { run: ResolvedRun; tags: string[] }[] {
  const definition = EXPERIMENTS[experiment];
  definition.check?.();
  const sweep = resolveSweep(definition.spec(options), `the ${experiment} experiment`);
  return sweep.runs.map((run) => ({ run, tags: [...run.tags, reproduceTag(experiment)] }));
}

/** Runs in a task worker: reads the project's runs of the experiment and draws what the finished ones show. */
export async function reproducePanelsTask(workspaceDir: string, request: RequestOf<'reproduce:panels'>): Promise<ReproducePanelsDto> {
  const definition = EXPERIMENTS[request.experiment];
  const store = openStore(storePathIn(workspaceDir));
  try {
    store.projects.get(request.projectId);
    const records = store.runs.list(request.projectId).filter((r) => r.tags.includes(reproduceTag(request.experiment)));
    const finished = records.filter((r) => r.status === 'done');
    const base = { experiment: request.experiment, title: definition.title, total: records.length, done: finished.length };
    if (finished.length === 0) return { ...base, panels: [], comparisons: [], note: records.length === 0 ? 'No runs of this experiment in the project yet.' : 'Waiting for the first run to finish.' };
    const runs: ExperimentRun[] = finished.map((record) => {
      const run = storeReportRun(store, record, workspaceDir);
      return { axisValues: {}, config: parseRunConfig(record.config), run, metrics: run.metrics() };
    });
    try {
      const result = definition.analyse(runs, { ...DEFAULT_REPRODUCE_OPTIONS, scale: 'small' });
      return {
        ...base,
        panels: result.panels.map((p) => ({ id: p.id, title: p.title, hint: p.hint, svg: renderChartSvg(p.option, PANEL_SIZE) })),
        comparisons: result.comparisons,
        note: finished.length < records.length ? `${finished.length} of ${records.length} runs finished: the panels fill in as the others do.` : null,
      };
    } catch (error) {
      return { ...base, panels: [], comparisons: [], note: `Not enough finished runs to draw the figure yet (${failureOf(error).message}).` };
    }
  } finally {
    store.close();
  }
}
