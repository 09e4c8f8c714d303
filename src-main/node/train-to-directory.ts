// Headless training into a run folder (run-writer.ts layout): the CLI's `train`. Extra sinks (the workspace store)
// can listen to the same run. Records the backend, engines and versions with the run.
import type { RunConfig } from '../contract/run-config';
import { runTraining } from '../core/train/train-run';
import type { RunSummary, TrainCallbacks, TrainResult } from '../core/train/train-types';
import type { EngineOptions } from './engines';
import { createRunWriter } from './run-output/run-writer';
import { combineCallbacks, setUpTraining, type TrainSetup } from './train-setup';

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
  /** Another sink for the same run (e.g. the workspace store), given the setup once it is known. */
  readonly extraSink?: (setup: TrainSetup) => TrainCallbacks;
  /** Called with the result after the folder is complete. */
  readonly onFinished?: (result: TrainResult, setup: TrainSetup) => void | Promise<void>;
}

/** Callback that turns per-step notices into progress with elapsed time and ETA. */
export function progressCallback(onProgress: (p: TrainProgress) => void): TrainCallbacks['onStep'] {
  const started = Date.now();
  return (step, total, loss) => {
    const elapsedSeconds = (Date.now() - started) / 1000;
    onProgress({ step, total, loss, elapsedSeconds, etaSeconds: (elapsedSeconds / step) * (total - step) });
  };
}

export async function trainToDirectory(config: RunConfig, outDir: string, options: TrainToDirectoryOptions = {}): Promise<RunSummary> {
  const setup = await setUpTraining(config, options);
  const writer = await createRunWriter(outDir, { saveKernels: config.logging.saveKernels });
  const folder: TrainCallbacks = {
    onStart: (info) => writer.start(setup.meta, info),
    onMetrics: (record) => writer.metrics(record),
    onKernel: (snapshot) => writer.kernel(snapshot),
    onStep: options.onProgress ? progressCallback(options.onProgress) : undefined,
  };
  const callbacks = options.extraSink ? combineCallbacks(folder, options.extraSink(setup)) : folder;
  const result = await runTraining(config, setup.data, setup.engines, callbacks, options.signal);
  await writer.finish({ ...result.summary, finishedAt: new Date().toISOString() }, result.initialParams, result.finalParams);
  await options.onFinished?.(result, setup);
  return result.summary;
}
