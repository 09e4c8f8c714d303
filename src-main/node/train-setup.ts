// What every headless training entry (CLI folder runs, store jobs in workers) does before the first step: start the
// backend, load the data, refuse a run that cannot fit in memory, pick the engines, and describe the environment
// that is recorded with the run.
import type { RunConfig } from '../contract/run-config';
import type { Dataset } from '../core/data/dataset';
import type { TrainCallbacks, TrainEngines } from '../core/train/train-types';
import { type BackendInfo, initBackend } from './backend';
import { loadData } from './data/load-data';
import { createTrainEngines, type EngineOptions } from './engines';
import { assertRunFits } from './memory-guard';
import { packageVersion } from './package-info';

export interface TrainSetup {
  readonly backend: BackendInfo;
  readonly data: Dataset;
  readonly engines: TrainEngines;
  /** Recorded with the run: format, versions, start time, resolved config, environment, dataset. */
  readonly meta: Record<string, unknown>;
}

export async function setUpTraining(config: RunConfig, options: EngineOptions = {}): Promise<TrainSetup> {
  const backend = await initBackend(config.backend);
  const data = await loadData(config.data, config.seed);
  assertRunFits(config, data);
  const engines = await createTrainEngines(options);
  const meta = {
    format: 'ntk-workbench/run@1',
    workbenchVersion: packageVersion(),
    startedAt: new Date().toISOString(),
    config,
    environment: backend,
    dataset: { description: data.description, n: data.n, d: data.d, classes: data.classes },
  };
  return { backend, data, engines, meta };
}

/** Calls every sink's callback in order (awaiting each), so one run can feed a folder and the store at once. */
export function combineCallbacks(...sinks: TrainCallbacks[]): TrainCallbacks {
  return {
    onStart: async (info) => {
      for (const s of sinks) await s.onStart?.(info);
    },
    onMetrics: async (record) => {
      for (const s of sinks) await s.onMetrics?.(record);
    },
    onKernel: async (snapshot) => {
      for (const s of sinks) await s.onKernel?.(snapshot);
    },
    onStep: (step, total, loss) => {
      for (const s of sinks) s.onStep?.(step, total, loss);
    },
  };
}
