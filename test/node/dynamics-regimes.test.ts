// The paper's contrast in the dynamics gaps (issue 12), at a width large enough for the kernel regime and small
// enough to run in seconds: a one-hidden-layer FCN with biases, m = 4096, the six circle points, 3000 GD steps on the
// host's engines. Under MSE the network stays within a small distance of kernel GD with the analytic kernel and
// settles; under CE (bce) the gap keeps growing in t. Margins come from seeds 0-4, measured on this machine:
//   MSE (lr 0.2), max_i |f_t - f^ntk_t| on the training points: sup over t 0.031, 0.038, 0.035, 0.035, 0.044 (near
//     t = 100), at t = 3000 <= 1e-6; on the 21 sweep points 0.082, 0.078, 0.076, 0.105, 0.118, equal at t = 1000 and
//     3000 to three digits.
//   CE (lr 0.5), training points at t = 100 / 300 / 1000 / 3000: 0.075/0.19/0.32/0.41, 0.091/0.23/0.37/0.45,
//     0.082/0.20/0.34/0.42, 0.081/0.20/0.34/0.43, 0.115/0.24/0.38/0.47 (gap(3000) / gap(300) 1.9-2.2); on the
//     sweep points at t = 300 / 3000: 0.17/0.39, 0.20/0.43, 0.19/0.41, 0.19/0.42, 0.22/0.44 (ratio 2.0-2.4).
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src-main/contract/run-config';
import { circleData } from '../../src-main/core/data/synthetic';
import { runTraining } from '../../src-main/core/train/train-run';
import type { MetricsRecord } from '../../src-main/core/train/train-types';
import { createTrainEngines } from '../../src-main/node/engines';

const STEPS = [0, 10, 30, 100, 300, 1000, 3000];

async function gaps(loss: object, lr: number, seed: number): Promise<Map<number, MetricsRecord>> {
  const config = runConfigSchema.parse({
    seed,
    steps: 3000,
    model: { arch: 'fcn', depth: 1, width: 4096, bias: true },
    loss,
    optimizer: { lr },
    data: { kind: 'circle', n: 6 },
    ntk: { circleSweep: 21 },
    dynamics: { analytic: true },
    logging: { metrics: { steps: STEPS }, kernels: { steps: [0] } },
  });
  const records = new Map<number, MetricsRecord>();
  const result = await runTraining(config, circleData(6), await createTrainEngines(), { onMetrics: (r) => void records.set(r.step, r) });
  expect(result.summary.status).toBe('completed');
  return records;
}

describe('dynamics gaps against the analytic kernel at m = 4096', () => {
  for (const seed of [0, 1]) {
    it(`MSE stays within a small bound and settles; CE keeps growing (seed ${seed})`, async () => {
      const mse = await gaps({ kind: 'mse', targets: 'plus-minus' }, 0.2, seed);
      const supMse = Math.max(...STEPS.map((t) => mse.get(t)?.gapAnalytic as number));
      expect(supMse).toBeLessThan(0.08);
      expect(mse.get(3000)?.gapAnalytic).toBeLessThan(1e-4);
      expect(mse.get(3000)?.gapAnalyticTest).toBeLessThan(0.2);
      expect(Math.abs((mse.get(3000)?.gapAnalyticTest as number) - (mse.get(1000)?.gapAnalyticTest as number))).toBeLessThan(1e-3);

      const ce = await gaps({ kind: 'bce' }, 0.5, seed);
      const late = [100, 300, 1000, 3000].map((t) => ce.get(t)?.gapAnalytic as number);
      for (let i = 1; i < late.length; i++) expect(late[i]).toBeGreaterThan(late[i - 1]);
      expect(late[3]).toBeGreaterThan(1.5 * late[1]);
      expect(late[3]).toBeGreaterThan(4 * supMse);
      expect(ce.get(3000)?.gapAnalyticTest as number).toBeGreaterThan(1.5 * (ce.get(300)?.gapAnalyticTest as number));
    });
  }
});
