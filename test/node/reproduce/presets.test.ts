// Every preset in examples/ trains on data whose analytic NTK Gram is strictly positive definite (lambda_0 > 0): the
// assumption under which the paper's theorem makes CE outputs diverge. lambda_0 comes from the same plan a run
// makes (core/train/run-plan.ts), and for Grams small enough also from a dense eigen-decomposition as a check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../../src-main/core/linalg/spectrum';
import { planRun } from '../../../src-main/core/train/run-plan';
import { readRunConfig } from '../../../src-main/node/config-file';
import { loadData } from '../../../src-main/node/data/load-data';
import { matmulEngine } from '../../../src-main/node/engines';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const presets = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));

describe('analytic Gram of every preset', () => {
  it('finds the presets', () => {
    expect(presets.length).toBeGreaterThanOrEqual(6);
  });

  it.each(presets)('%s: lambda_min of the analytic Gram is > 0', async (file) => {
    const config = await readRunConfig(join(EXAMPLES, file));
    const data = await loadData(config.data, config.seed);
    const plan = await planRun({ ...config, model: { ...config.model, width: config.model.width === undefined ? undefined : 8 } }, data, await matmulEngine());
    expect(plan.lambda0, file).toBeDefined();
    expect(plan.lambda0 as number).toBeGreaterThan(0);
    if (plan.analyticLaid && plan.rows <= 256) {
      const eigen = symmetricEigenvalues(plan.analyticLaid, plan.rows);
      expect(Math.min(...eigen)).toBeGreaterThan(0);
      expect(Math.min(...eigen)).toBeCloseTo(plan.lambda0 as number, 8);
    }
  });
});
