// One queued training run of the store, executed in the current thread (a worker thread in the app and server):
// validates its config, sets up the engines, records everything into the store, and ends in done, cancelled or
// failed with a coded error. Never throws for a failed run; the store holds the outcome.
import { failureOf } from '../../contract/result';
import { runTraining } from '../../core/train/train-run';
import type { RunSummary } from '../../core/train/train-types';
import type { EngineOptions } from '../engines';
import { parseRunConfig } from '../config-file';
import type { Store } from '../store/store';
import type { RunId } from '../store/types';
import { setUpTraining } from '../train-setup';
import { createStoreSink, type RunListener, type StoreSink } from './store-sink';

export async function runTrainJob(store: Store, runId: RunId, options: EngineOptions & { signal?: AbortSignal; listener?: RunListener } = {}): Promise<RunSummary | undefined> {
  let sink: StoreSink | undefined;
  try {
    const run = store.runs.get(runId);
    const config = parseRunConfig(run.config, `run ${runId} config`);
    const setup = await setUpTraining(config, options);
    sink = createStoreSink(store, runId, config, setup, options.listener);
    const result = await runTraining(config, setup.data, setup.engines, sink.callbacks, options.signal);
    sink.finish(result);
    return result.summary;
  } catch (error) {
    if (sink) sink.fail(error);
    else {
      const failure = failureOf(error);
      store.runs.markFailed(runId, failure);
      options.listener?.onStatus?.('failed', failure);
    }
    return undefined;
  }
}
