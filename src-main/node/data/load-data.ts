// The one entry from a run's `data` config to a Dataset: dispatches on kind to the synthetic generators (core),
// the MNIST package or files on disk. Generators without their own seed use the run's seed.
import type { DataConfig } from '../../contract/run-config';
import { blobsData, circleData, sphereData } from '../../core/data/synthetic';
import type { Dataset } from '../../core/data/dataset';
import { loadDataFiles } from './files';
import { loadMnist } from './mnist';

/** The dataset a config describes (n x d float64 inputs, integer labels); throws CodedError `data/*` when it cannot be built. */
export async function loadData(config: DataConfig, seed: number): Promise<Dataset> {
  switch (config.kind) {
    case 'circle':
      return circleData(config.n, config.labels);
    case 'sphere':
      return sphereData(config.n, config.dim, config.seed ?? seed);
    case 'blobs':
      return blobsData(config.n, config.dim, config.classes, config.spread, config.seed ?? seed);
    case 'mnist':
      return loadMnist({ n: config.n, labels: config.labels, balanced: config.balanced, seed: config.seed ?? seed });
    case 'file':
      return loadDataFiles(config.inputs, config.labels);
  }
}
