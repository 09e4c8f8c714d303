// The workbench service behind every transport: the store for projects and runs, the job queue for training in
// worker threads, and the event hub. Handlers receive validated requests (contract/dispatch.ts) and return plain
// data; failures are CodedErrors with stable codes.
import { mkdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { type ApiHandlers, type ImportInspectionDto, type KernelDto, type MetricSeriesDto, UPLOAD_CHUNK_BYTES } from '../../contract/api';
import { CodedError } from '../../contract/result';
import { encodeTensor } from '../../contract/tensor-codec';
import { parseRunConfig } from '../config-file';
import { assertRunFits, availableMemory } from '../memory-guard';
import { checkpointKernelPath, removeRunKernels } from '../kernel-file/run-kernel-dir';
import { listRunKernelFiles } from '../kernel-file/run-kernel-files';
import { exportKernelFile, resumableImport } from './kernel-runs';
import { packageVersion } from '../package-info';
import { openStore } from '../store/store';
import { storePathIn } from '../store/workspace-dir';
import type { MetricSeries } from '../store/types';
import { createJobQueue } from '../jobs/job-queue';
import { runTask } from '../jobs/run-task';
import { expandModelPaths, importRunName } from '../onnx/import/model-paths';
import { defaultBundlePath, exportsDir, readExportChunk } from '../transfers/export-files';
import { pathsNamedByRuns, pruneUploads } from '../transfers/upload-pruning';
import { createUploadStore } from '../transfers/upload-store';
import { exportSlurmSweep } from '../sweeps/slurm-export';
import { plannedRuns, reproduceOptionsOf } from '../reproduce/reproduce-app';
import { createEventHub } from './event-hub';
import { downsampleSquare } from './downsample';
import type { WorkbenchService, WorkbenchServiceOptions } from './workbench-service-types';

function seriesDto(series: Record<string, MetricSeries>): Record<string, MetricSeriesDto> {
  const out: Record<string, MetricSeriesDto> = {};
  for (const [name, s] of Object.entries(series)) {
    out[name] = { steps: Array.from(s.steps), wallTimes: Array.from(s.wallTimes), values: Array.from(s.values, (v) => (Number.isFinite(v) ? v : null)) };
  }
  return out;
}

function ensureFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new CodedError('store/io', `cannot create the folder ${folder}: ${(error as Error).message}`);
  }
}

export async function createWorkbenchService(options: WorkbenchServiceOptions): Promise<WorkbenchService> {
  ensureFolder(options.workspaceDir);
  const store = openStore(storePathIn(options.workspaceDir));
  const hub = createEventHub();
  const uploads = createUploadStore(join(options.workspaceDir, 'uploads'));
  // Uploads no import run names any more are removed after their grace period: at start and after each delete, in
  // the background (a failure here only leaves files behind, so it is logged, never thrown at a request).
  let pruning: Promise<unknown> = Promise.resolve();
  const pruneLater = (): void => {
    pruning = pruning
      .then(() => pruneUploads(uploads.root, pathsNamedByRuns(store), { retentionMs: options.uploadRetentionMs }))
      .catch((error: unknown) => console.warn(`ntk-workbench: pruning ${uploads.root} failed: ${(error as Error).message}`));
  };
  pruneLater();
  const jobs = createJobQueue({ store, concurrency: options.concurrency, engine: options.engine, emit: hub.emit });
  // Runs a dead host had queued would otherwise wait forever: its 'running' ones were interrupted at open.
  const policy = options.orphanedQueued ?? 'requeue';
  for (const runId of store.recoverQueuedRuns(policy)) if (policy === 'requeue') jobs.enqueue(runId);
  let lastBackend: Record<string, unknown> | null = null;
  hub.subscribe('runs:status', ({ runId, status }) => {
    if (status === 'running') lastBackend = (store.runs.get(runId).backend as Record<string, unknown> | null) ?? lastBackend;
  });

  const startRun = (runId: number) => {
    jobs.enqueue(runId);
    hub.emit('runs:status', { runId, status: 'queued', error: null });
    return store.runs.get(runId);
  };

  /** Cancel of a run this queue does not hold: a queued one is cancelled in the store (a host that holds it skips it). */
  const cancelElsewhere = (id: number) => {
    let run = store.runs.get(id);
    if (run.status === 'running') {
      store.markInterruptedRuns();
      run = store.runs.get(id);
      if (run.status === 'running') throw new CodedError('jobs/not-found', `run ${id} is running in another process on this workspace (the CLI or another app); stop it there`);
    }
    if (run.status !== 'queued') throw new CodedError('store/invalid-state', `run ${id} is ${run.status}; only a queued or running run can be cancelled`);
    const cancelled = store.runs.markCancelled(id);
    hub.emit('runs:status', { runId: id, status: 'cancelled', error: null });
    return cancelled;
  };

  const handlers: ApiHandlers = {
    'app:info': () => ({
      version: packageVersion(),
      workspace: options.workspaceDir,
      backend: lastBackend,
      transport: options.transport,
      jobConcurrency: jobs.concurrency,
      memory: { free: availableMemory(), total: totalmem() },
    }),
    'projects:list': () => store.projects.list(),
    'projects:create': ({ name, notes }) => store.projects.create(name, notes),
    'projects:rename': ({ id, name }) => store.projects.rename(id, name),
    'projects:set-notes': ({ id, notes }) => store.projects.setNotes(id, notes),
    'projects:delete': async ({ id }) => {
      const runs = store.runs.list(id);
      const active = runs.filter((r) => jobs.isActive(r.id));
      if (active.length > 0) throw new CodedError('store/invalid-state', `project ${id} has ${active.length} queued or running run(s); cancel them first`);
      store.projects.delete(id);
      await removeRunKernels(options.workspaceDir, runs.map((r) => r.id));
      pruneLater();
      return { deleted: true };
    },
    'projects:export': ({ id, path }) => {
      const target = path ?? defaultBundlePath(options.workspaceDir, store.projects.get(id).name);
      ensureFolder(dirname(target));
      const result = store.exportProject(id, target);
      return { path: result.file, bytes: result.bytes };
    },
    'projects:import': ({ path }) => store.projects.get(store.importProject(path).projectId),
    'runs:list': ({ projectId, status }) => store.runs.list(projectId, status ? { status } : undefined),
    'runs:get': ({ id }) => store.runs.get(id),
    'runs:start': ({ projectId, config, name, tags }) => {
      const parsed = parseRunConfig(config);
      assertRunFits(parsed);
      const run = store.runs.create(projectId, { kind: 'train', config: parsed, name, tags });
      return startRun(run.id);
    },
    'runs:cancel': ({ id }) => {
      if (jobs.cancel(id)) return store.runs.get(id);
      return cancelElsewhere(id);
    },
    'runs:rename': ({ id, name }) => store.runs.rename(id, name),
    'runs:set-notes': ({ id, notes }) => store.runs.setNotes(id, notes),
    'runs:tag': ({ id, tag }) => store.runs.tag(id, tag),
    'runs:untag': ({ id, tag }) => store.runs.untag(id, tag),
    'runs:duplicate': ({ id, configPatch, name, start }) => {
      const copy = store.runs.duplicate(id, { configPatch, name });
      return start ? startRun(copy.id) : copy;
    },
    'runs:delete': async ({ id }) => {
      if (jobs.isActive(id)) throw new CodedError('store/invalid-state', `run ${id} is queued or running; cancel it first`);
      store.runs.delete(id);
      await removeRunKernels(options.workspaceDir, [id]);
      pruneLater();
      return { deleted: true };
    },
    'runs:metrics': ({ id, names, fromStep }) => {
      store.runs.get(id);
      return { series: seriesDto(store.metrics.read(id, { names, fromStep })) };
    },
    'runs:kernels': ({ id }) => store.kernels.list(id).map(({ step, kind, rows, cols, hasData }) => ({ step, kind, rows, cols, hasData })),
    'runs:kernel': ({ id, step, maxSize }): KernelDto => {
      const record = store.kernels.get(id, step);
      if (!record) throw new CodedError('store/not-found', `run ${id} has no kernel snapshot at step ${step}`);
      const reduced = record.data ? downsampleSquare(record.data, record.rows, maxSize ?? 512) : undefined;
      return {
        step: record.step,
        kind: record.kind,
        rows: record.rows,
        cols: record.cols,
        hasData: record.hasData,
        data: reduced ? encodeTensor(reduced.data, [reduced.size, reduced.size]) : null,
        downsampled: reduced?.factor ?? 1,
        eigenvalues: record.eigenvalues ? Array.from(record.eigenvalues) : null,
        sweep: record.sweep ? Array.from(record.sweep) : null,
      };
    },
    'runs:sweep': ({ id }) => store.runs.sweep(id),
    'imports:inspect': (request) => runTask<ImportInspectionDto>({ kind: 'imports:inspect', request }),
    'imports:start': async ({ projectId, name, ...request }) => {
      store.projects.get(projectId);
      const files = await expandModelPaths(request.models);
      if (request.steps && request.steps.length !== files.length)
        throw new CodedError('config/invalid', `${request.steps.length} steps given for ${files.length} checkpoint files (folders expanded): give one step per file, or none to read them from the file names`);
      // The request was parsed with the import config's schema at the boundary; only the folders are expanded here.
      const run = store.runs.create(projectId, { kind: 'import', config: { ...request, models: files }, name: name ?? importRunName(files) });
      return startRun(run.id);
    },
    'imports:resume': ({ id }) => {
      const run = resumableImport(store.runs.get(id));
      const copy = store.runs.duplicate(id, { configPatch: { blocked: { resumeFrom: id } }, name: `${run.name} (resumed)` });
      return startRun(copy.id);
    },
    'imports:kernel-files': ({ id }) => {
      store.runs.get(id);
      return listRunKernelFiles(options.workspaceDir, id);
    },
    'imports:kernel-export': ({ id, step }) => exportKernelFile(options.workspaceDir, store.runs.get(id), checkpointKernelPath(options.workspaceDir, id, step), step),
    'uploads:write': ({ uploadId, path, offset, data }) => uploads.write({ uploadId, path, offset, bytes: Buffer.from(data, 'base64') }),
    'downloads:read': async ({ path, offset, length }) => {
      const { bytes, size } = await readExportChunk(exportsDir(options.workspaceDir), path, offset, length ?? UPLOAD_CHUNK_BYTES);
      return { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), bytes: size };
    },
    'sweeps:export-slurm': ({ spec, slurm }) => exportSlurmSweep(options.workspaceDir, spec, slurm),
    'reports:export': (request) => {
      // Fail fast on ids the store does not have, before a worker starts.
      for (const id of request.runIds) store.runs.get(id);
      if (request.projectId !== undefined) store.projects.get(request.projectId);
      return runTask({ kind: 'reports:export', request, workspaceDir: options.workspaceDir });
    },
    'reproduce:start': (request) => {
      store.projects.get(request.projectId);
      const planned = plannedRuns(request.experiment, reproduceOptionsOf(request));
      for (const { run } of planned) assertRunFits(run.config);
      const created = planned.map(({ run, tags }) => store.runs.create(request.projectId, { kind: 'train', config: run.config, name: run.name, tags }));
      return created.map((run) => startRun(run.id));
    },
    'reproduce:panels': (request) => {
      store.projects.get(request.projectId);
      return runTask({ kind: 'reproduce:panels', request, workspaceDir: options.workspaceDir });
    },
    'runs:subscribe': ({ id }) => {
      const run = store.runs.get(id);
      const raw = store.metrics.read(id);
      // lastStep comes from the same read as the history: a separate query could see a batch the worker committed
      // in between, and the client would then drop those live points as already seen.
      let lastStep = -1;
      for (const s of Object.values(raw)) if (s.steps.length > 0) lastStep = Math.max(lastStep, s.steps[s.steps.length - 1]);
      return { run, series: seriesDto(raw), lastStep, progress: jobs.progress(id) ?? null };
    },
  };

  return {
    handlers,
    subscribe: hub.subscribe,
    async close() {
      await pruning;
      await jobs.close();
      hub.close();
      store.close();
    },
  };
}
