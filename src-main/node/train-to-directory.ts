// Headless training service: config in, a run folder out (run-writer.ts layout). The CLI calls it directly; the
// jobs layer will call it from a worker thread. Records the backend, engines and versions with the run.
import type { RunConfig } from '../contract/run-config';
import { runTraining, type RunSummary } from '../core/train/train-run';
import { initBackend } from './backend';
import { loadData } from './data/load-data';
import { createTrainEngines, type EngineOptions } from './engines';
import { createRunWriter } from './run-output/run-writer';
import { packageVersion } from './package-info';

export interface TrainProgress {
  readonly step: number;
  readonly total: number;
  readonly loss: number;
  readonly elapsedSeconds: number;
  readonly etaSeconds: number;
}

export interface TrainToDirectoryOptions extends EngineOptions {
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

export async function trainToDirectory(config: RunConfig, outDir: string, options: TrainToDirectoryOptions = {}): Promise<RunSummary> {
  const backend = await initBackend(config.backend);
  const data = await loadData(config.data, config.seed);
  const engines = await createTrainEngines(options);
  const writer = await createRunWriter(outDir, { saveKernels: config.logging.saveKernels });
  const started = Date.now();
  const meta = {
    format: 'ntk-workbench/run@1',
    workbenchVersion: packageVersion(),
    startedAt: new Date(started).toISOString(),
    config,
    environment: backend,
    dataset: { description: data.description, n: data.n, d: data.d, classes: data.classes },
  };
  const result = await runTraining(
    config,
    data,
    engines,
    {
      onStart: (info) => writer.start(meta, info),
      onMetrics: (record) => writer.metrics(record),
      onKernel: (snapshot) => writer.kernel(snapshot),
      onStep: (step, total, loss) => {
        if (!options.onProgress) return;
        const elapsedSeconds = (Date.now() - started) / 1000;
        options.onProgress({ step, total, loss, elapsedSeconds, etaSeconds: (elapsedSeconds / step) * (total - step) });
      },
    },
    options.signal,
  );
  await writer.finish({ ...result.summary, finishedAt: new Date().toISOString() }, result.initialParams, result.finalParams);
  return result.summary;
}
