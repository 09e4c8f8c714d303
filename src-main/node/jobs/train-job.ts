// One queued training run of the store, executed in the current thread (a worker thread in the app and server):
// parses its stored config, sets up the engines, records everything into the store, and ends in done, cancelled or
// failed with a coded error (run-lifecycle.ts). Never throws for a failed run; the store holds the outcome.
import { runTraining } from '../../core/train/train-run';
import type { RunSummary } from '../../core/train/train-types';
import type { EngineOptions } from '../engines';
import { parseConfigOf } from '../config-file';
import type { Store } from '../store/store';
import type { RunId } from '../store/types';
import { setUpTraining } from '../train-setup';
import { createRunLifecycle, guardRun, type RunListener } from './run-lifecycle';
import { createStoreSink, type StoreSink } from './store-sink';

export async function runTrainJob(store: Store, runId: RunId, options: EngineOptions & { signal?: AbortSignal; listener?: RunListener } = {}): Promise<RunSummary | undefined> {
  const lifecycle = createRunLifecycle(store, runId, options.listener);
  let sink: StoreSink | undefined;
  // Once recording has begun, the sink's failure path also commits what it buffered.
  return guardRun({ fail: (error) => (sink ?? lifecycle).fail(error) }, async () => {
    const config = parseConfigOf('train', store.runs.get(runId).config, `run ${runId} config`);
    const setup = await setUpTraining(config, options);
    sink = createStoreSink(store, lifecycle, config, setup, options.listener);
    const result = await runTraining(config, setup.data, setup.engines, sink.callbacks, options.signal);
    sink.finish(result);
    return result.summary;
  });
}
