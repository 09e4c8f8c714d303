// The paper's Fig. 1 training loop (FCN 2-2000-2000-2000-1, six points, BCE mean, full-batch GD, lr 0.1):
// ms per step for each step engine, the cost of one kernel snapshot, and the projected 10^4-step run.
import { readFile } from 'node:fs/promises';
import { parseRunConfig } from '../src-main/node/config-file';
import { architectureFromConfig, initParams } from '../src-main/core/models/architecture';
import { circleData } from '../src-main/core/data/synthetic';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { architectureNtkModel, empiricalNtkFn } from '../src-main/core/ntk/empirical-ntk';
import { gramSpectrum } from '../src-main/core/linalg/spectrum';
import type { StepEngine } from '../src-main/core/train/step-engine';
import type { StepEngineSpec } from '../src-main/core/train/tfjs-step-engine';
import { medianSeconds, type Row } from './measure';

export type StepEngineFactory = { name: string; create: (spec: StepEngineSpec) => Promise<StepEngine> };

export async function benchFig1Training(factories: StepEngineFactory[], matmul: MatmulEngine, configPath: string): Promise<Row[]> {
  const config = parseRunConfig(JSON.parse(await readFile(configPath, 'utf8')));
  const data = circleData(6, 'alternating');
  const a = architectureFromConfig(config.model, 2, 1);
  const params = initParams(a, config.seed);
  const rows: Row[] = [];
  const ntkFn = empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel: 'full', engine: matmul });
  const snapshot = await medianSeconds(
    async () => {
      const kernel = await ntkFn(data.x, undefined, params);
      gramSpectrum(kernel, 6);
    },
    { warmupSeconds: 0.3, minRuns: 3, budgetSeconds: 2 },
  );
  rows.push({ section: 'Fig. 1 training', case: 'kernel snapshot (6x6 + spectrum)', engine: matmul.name, seconds: snapshot.median });
  const kernelSteps = 25;
  for (const factory of factories) {
    const engine = await factory.create({ architecture: a, params, data, loss: config.loss, optimizer: config.optimizer, seed: config.seed });
    try {
      const single = await medianSeconds(() => engine.step(), { warmupSeconds: 1, minRuns: 10, budgetSeconds: 5 });
      rows.push({ section: 'Fig. 1 training', case: 'one GD step (m = 2000, n = 6)', engine: engine.name, seconds: single.median, note: `${(1 / single.median).toFixed(1)} steps/s, median of ${single.runs}` });
      let perStep = single.median;
      if (engine.steps) {
        const chunk = 50;
        const batched = await medianSeconds(() => (engine.steps as (count: number) => Promise<Float32Array>)(chunk), { warmupSeconds: 1, minRuns: 3, budgetSeconds: 6 });
        perStep = batched.median / chunk;
        rows.push({ section: 'Fig. 1 training', case: `GD steps in chunks of ${chunk} (as the loop runs them)`, engine: engine.name, seconds: perStep, note: `${(1 / perStep).toFixed(1)} steps/s, median of ${batched.runs}` });
      }
      const projected = config.steps * perStep + kernelSteps * snapshot.median;
      rows.push({ section: 'Fig. 1 training', case: `projected ${config.steps} steps + ${kernelSteps} snapshots`, engine: engine.name, seconds: projected, note: `PyTorch 1.13 reference: ~200 s` });
    } finally {
      engine.dispose();
    }
  }
  return rows;
}
