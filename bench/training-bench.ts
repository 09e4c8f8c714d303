// The paper's Fig. 1 training loop (FCN 2-2000-2000-2000-1, six points, BCE mean, full-batch GD, lr 0.1):
// ms per step for each step engine, the cost of one kernel snapshot, and the projected 10^4-step run, each beside the
// same loop in PyTorch (bench/peers/fig1_training.py: a block of steps timed back to back, projected the same way).
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
import { torchPeer, withPeer, type PeerOutcome } from './torch-peer';

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
      await gramSpectrum(kernel, 6);
    },
    { warmupSeconds: 0.3, minRuns: 3, budgetSeconds: 2 },
  );
  const kernelSteps = 25;
  const peerBlock = 200;
  const peer = await torchPeer('fig1_training', { width: a.arch === 'fcn' ? a.widths[0] : 0, depth: config.model.depth, steps: config.steps, snapshots: kernelSteps, block: peerBlock, lr: config.optimizer.lr });
  rows.push(...withPeer({ section: 'Fig. 1 training', case: 'kernel snapshot (6x6 + spectrum)', engine: matmul.name, seconds: snapshot.median }, peer, 'snapshot'));
  // The peer's rows once, beside the first engine; the later engines get the ratio only.
  const beside = (row: Row, first: boolean, key?: string): Row[] => (first ? withPeer(row, peer, key) : withPeer(row, peer, key).slice(0, 1));
  for (const [index, factory] of factories.entries()) {
    const engine = await factory.create({ architecture: a, params, data, loss: config.loss, optimizer: config.optimizer, seed: config.seed });
    try {
      const single = await medianSeconds(() => engine.step(), { warmupSeconds: 1, minRuns: 10, budgetSeconds: 5 });
      rows.push(...beside({ section: 'Fig. 1 training', case: 'one GD step (m = 2000, n = 6)', engine: engine.name, seconds: single.median, note: `${(1 / single.median).toFixed(1)} steps/s, median of ${single.runs}` }, index === 0, 'step'));
      let perStep = single.median;
      if (engine.steps) {
        const chunk = 50;
        const batched = await medianSeconds(() => (engine.steps as (count: number) => Promise<Float32Array>)(chunk), { warmupSeconds: 1, minRuns: 3, budgetSeconds: 6 });
        perStep = batched.median / chunk;
        rows.push(...beside({ section: 'Fig. 1 training', case: `GD steps in chunks of ${chunk} (as the loop runs them)`, engine: engine.name, seconds: perStep, note: `${(1 / perStep).toFixed(1)} steps/s, median of ${batched.runs}` }, index === 0, 'perStep'));
      }
      const projected = config.steps * perStep + kernelSteps * snapshot.median;
      rows.push(...beside({ section: 'Fig. 1 training', case: `projected ${config.steps} steps + ${kernelSteps} snapshots`, engine: engine.name, seconds: projected, note: peerNote(peer, peerBlock) }, index === 0));
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

function peerNote(peer: PeerOutcome, block: number): string | undefined {
  return peer.ok ? `PyTorch's per step from ${block} steps back to back` : undefined;
}
