// Headless training into a run folder (run-writer.ts layout): the CLI's `train`. Extra sinks (the workspace store)
// can listen to the same run. Records the backend, engines and versions with the run.
import type { RunConfig } from '../contract/run-config';
import { runTraining } from '../core/train/train-run';
import type { RunSummary, TrainCallbacks, TrainResult } from '../core/train/train-types';
import type { EngineOptions } from './engines';
import { createProgressMeter, recordPlanOf, type RunProgress } from './jobs/progress-meter';
import { createRunWriter } from './run-output/run-writer';
import { combineCallbacks, setUpTraining, type TrainSetup } from './train-setup';

export interface TrainToDirectoryOptions extends EngineOptions {
  /** Progress with the ETA (jobs/progress-meter.ts), about ten times a second and at the last step. */
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Another sink for the same run (e.g. the workspace store), given the setup once it is known. */
  readonly extraSink?: (setup: TrainSetup) => TrainCallbacks;
  /** Called with the result after the folder is complete. */
  readonly onFinished?: (result: TrainResult, setup: TrainSetup) => void | Promise<void>;
}

export async function trainToDirectory(config: RunConfig, outDir: string, options: TrainToDirectoryOptions = {}): Promise<RunSummary> {
  const setup = await setUpTraining(config, options);
  const writer = await createRunWriter(outDir, { saveKernels: config.logging.saveKernels });
  const folder: TrainCallbacks = {
    onStart: (info) => writer.start(setup.meta, info),
    onMetrics: (record) => writer.metrics(record),
    onKernel: (snapshot) => writer.kernel(snapshot),
  };
  const sinks = [folder, ...(options.extraSink ? [options.extraSink(setup)] : [])];
  // The meter goes last, so the cost it measures for a recorded step includes every sink's writing.
  if (options.onProgress) sinks.push(createProgressMeter(options.onProgress, { total: config.steps, plan: recordPlanOf(config) }).callbacks);
  const callbacks = sinks.length > 1 ? combineCallbacks(...sinks) : folder;
  const result = await runTraining(config, setup.data, setup.engines, callbacks, options.signal);
  await writer.finish({ ...result.summary, finishedAt: new Date().toISOString() }, result.initialParams, result.finalParams);
  await options.onFinished?.(result, setup);
  return result.summary;
}
