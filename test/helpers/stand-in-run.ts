// A real, minimal run for tests that need a run row to hang metrics, kernels, artifacts or a lifecycle on (store,
// crash, kill and disk-full tests): the smallest training config, parsed as every config is before the store sees it.
import { parseRunConfig } from '../../src-main/node/config-file';
import type { ProjectId, RunRecord } from '../../src-main/contract/records';
import type { Store } from '../../src-main/node/store/store';

/** A complete training config (defaults filled): a depth-2, width-16 FCN on 6 circle points, 100 GD steps. */
export const trainConfig = parseRunConfig({
  seed: 3,
  steps: 100,
  model: { arch: 'fcn', depth: 2, width: 16 },
  loss: { kind: 'bce' },
  optimizer: { kind: 'gd', lr: 0.1 },
  data: { kind: 'circle', n: 6 },
});

/** A queued training run of `trainConfig` in the project; `name` tells runs of one test apart. */
export function createStandInRun(store: Pick<Store, 'runs'>, projectId: ProjectId, name?: string): RunRecord {
  return store.runs.create(projectId, { kind: 'train', config: trainConfig, name });
}
