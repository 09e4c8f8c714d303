// The dynamics experiment reads the NTK-dynamics run metrics (gapAnalytic, gapLinear, gapKernel0 and their Test
// twins), which a run records when its config has a `dynamics` block. In a build without that block the experiment
// refuses with a coded error; with it, the paper's prediction at a reduced size (T = 2000, widths 32 and 256):
// under CE |f_t - f^ntk_t| grows in t, under MSE it stays below the CE gap at the largest width.
// The margins below are the claims themselves (growth > 1, MSE < CE); they were not measured in this branch,
// which has no dynamics metrics yet.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/run-config';
import { DEFAULT_REPRODUCE_OPTIONS } from '../../../src-main/node/reproduce/experiment';
import { reproduceExperiment } from '../../../src-main/node/reproduce/reproduce-runner';

const available = 'dynamics' in runConfigSchema.shape;
const options = { ...DEFAULT_REPRODUCE_OPTIONS, steps: 2000, widths: [32, 256], seeds: [0] };

describe('dynamics experiment', () => {
  it.runIf(!available)('refuses with config/invalid when the build has no dynamics metrics', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-reproduce-dyn-'));
    await expect(reproduceExperiment('dynamics', options, { out })).rejects.toMatchObject({ code: 'config/invalid', message: expect.stringContaining('dynamics') });
  });

  it.runIf(available)('CE: |f_t − f^ntk_t| grows in t; MSE: it stays below the CE gap at the largest width', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-reproduce-dyn-'));
    const outcome = await reproduceExperiment('dynamics', options, { out });
    const rows = (outcome.result.data as { rows: Record<string, number | string>[] }).rows;
    const at = (loss: string, width: number) => rows.find((r) => r.loss === loss && r.width === width) as Record<string, number>;
    for (const w of options.widths) expect(at('bce', w).gapAnalyticGrowth, `m = ${w}`).toBeGreaterThan(1);
    expect(at('mse', 256).gapAnalytic).toBeLessThan(at('bce', 256).gapAnalytic);
    expect(outcome.result.panels).toHaveLength(4);
  }, 300_000);
});
