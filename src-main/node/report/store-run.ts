// Runs of the workspace store for reports: a run named by id or name (optionally within a project), and the store's
// record, metrics, kernels and parameter artifacts behind ReportRun. Read-only: a report never changes the store.
import { CodedError } from '../../contract/result';
import type { RunRecord } from '../../contract/records';
import { decodeParamsArtifact } from '../jobs/params-artifact';
import type { Store } from '../store/store';
import type { ReportRun } from './report-run';

const PARTIAL_STATES = new Set(['queued', 'running', 'interrupted']);

/** The run a command-line RUN names: an id, else a unique run name (within `projectName` when given). */
export function findStoreRun(store: Store, ref: string, projectName?: string): RunRecord {
  const project = projectName === undefined ? undefined : store.projects.find(projectName);
  if (projectName !== undefined && !project) throw new CodedError('store/not-found', `no project named "${projectName}" in ${store.path}`);
  if (/^\d+$/.test(ref)) {
    let run: RunRecord;
    try {
      run = store.runs.get(Number(ref));
    } catch (error) {
      if (error instanceof CodedError && error.code === 'store/not-found') throw new CodedError('store/not-found', `no run with id ${ref} in ${store.path}`);
      throw error;
    }
    if (project && run.projectId !== project.id) throw new CodedError('store/not-found', `run ${ref} is not in project "${projectName}"`);
    return run;
  }
  const projects = project ? [project] : store.projects.list();
  const matches = projects.flatMap((p) => store.runs.list(p.id).filter((r) => r.name === ref));
  if (matches.length === 0) throw new CodedError('store/not-found', `no run named "${ref}"${project ? ` in project "${projectName}"` : ''} in ${store.path}`);
  if (matches.length > 1) throw new CodedError('data/invalid', `${matches.length} runs are named "${ref}" (ids ${matches.map((r) => r.id).join(', ')}): give an id or --project`);
  return matches[0];
}

export function storeReportRun(store: Store, record: RunRecord, workspace: string): ReportRun {
  const project = store.projects.get(record.projectId);
  // Stored summaries leave the circle sweep's phis and analytic kernel out (runs:list stays small); the report wants them.
  const sweep = store.runs.sweep(record.id);
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    status: record.status,
    partial: PARTIAL_STATES.has(record.status),
    config: record.config,
    backend: record.backend,
    summary: { ...(record.summary ?? {}), ...(sweep ? { sweepPhis: sweep.phis, ...(sweep.analytic ? { sweepAnalytic: sweep.analytic } : {}) } : {}) },
    notes: record.notes,
    tags: record.tags,
    created: record.created,
    finished: record.finished,
    error: record.error,
    origin: { kind: 'store', workspace, project: project.name },
    metrics: () => store.metrics.read(record.id),
    kernelList: () => store.kernels.list(record.id),
    kernel: (step, kind) => store.kernels.get(record.id, step, kind),
    params(which) {
      const artifact = store.artifacts.get(record.id, `params/${which}`);
      return artifact?.bytes ? decodeParamsArtifact(artifact.bytes, artifact.meta) : undefined;
    },
  };
}
