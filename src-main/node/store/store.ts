// The workspace store: `openStore(path)` opens (or creates) the database, migrates it, recovers from a killed
// process, and hands out the typed repositories. Calls are synchronous; hosts keep bulk work off the UI thread.
import { exportProject, type ExportResult } from './bundle-export';
import { importProject, type ImportResult } from './bundle-import';
import { openDatabase, type OpenOptions } from './database';
import { liveHolders } from './lock-holders';
import { migrate } from './migrations';
import { createArtifactRepo, type ArtifactRepo } from './artifacts';
import { createKernelRepo, type KernelRepo } from './kernels';
import { createMetricRepo, type MetricRepo } from './metrics';
import { createProjectRepo, type ProjectRepo } from './projects';
import { createRunRepo, type RunRepo } from './runs';
import type { ProjectId, RunId } from './types';

export interface StoreRecovery {
  /** Runs found 'running' whose process had died, now 'interrupted'. */
  readonly interruptedRuns: readonly RunId[];
  /** A lock left by a killed process was removed (its unfinished transaction rolled back). */
  readonly clearedStaleLock: boolean;
}

export interface Store {
  /** Absolute path of the database file. */
  readonly path: string;
  readonly projects: ProjectRepo;
  readonly runs: RunRepo;
  readonly metrics: MetricRepo;
  readonly kernels: KernelRepo;
  readonly artifacts: ArtifactRepo;
  readonly recovery: StoreRecovery;
  /** Marks 'running' runs whose process is gone as 'interrupted' (done at open; a long-lived host may repeat it). */
  markInterruptedRuns(): RunId[];
  /** Writes the project, its runs and everything they recorded into one bundle file (bundle-format.ts). */
  exportProject(projectId: ProjectId, file: string): ExportResult;
  /** Adds the bundle's project as a new project (renamed when the name is taken). */
  importProject(file: string): ImportResult;
  /** Runs `fn` (synchronous) in one transaction: the repository calls inside it commit together or not at all. */
  transaction<T>(fn: () => T): T;
  /** SQLite's integrity check: ['ok'] or the problems it found. */
  check(): string[];
  close(): void;
}

export function openStore(file: string, options: OpenOptions = {}): Store {
  const { db, clearedStaleLock } = openDatabase(file, options);
  try {
    migrate(db);
    // Pages freed by a delete go back to the file system instead of waiting for a full VACUUM.
    const reclaim = () => db.exec('PRAGMA incremental_vacuum');
    const runs = createRunRepo(db, reclaim);
    const markInterruptedRuns = () => runs.markInterrupted(new Set(liveHolders(db.path)));
    const interruptedRuns = markInterruptedRuns();
    return {
      path: db.path,
      projects: createProjectRepo(db, reclaim),
      runs,
      metrics: createMetricRepo(db),
      kernels: createKernelRepo(db),
      artifacts: createArtifactRepo(db, reclaim),
      recovery: { interruptedRuns, clearedStaleLock },
      markInterruptedRuns,
      exportProject: (projectId, target) => exportProject(db, projectId, target),
      importProject: (source) => importProject(db, source),
      transaction: (fn) => db.transaction(fn),
      check: () => db.all<{ integrity_check: string }>('PRAGMA integrity_check').map((r) => r.integrity_check),
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
