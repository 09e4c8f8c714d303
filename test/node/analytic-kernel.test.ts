import { describe, expect, it } from 'vitest';
import { analyticNtk } from '../../src-main/core/ntk/analytic';
import { analyticKernel } from '../../src-main/node/analytic-kernel';
import { createRng } from '../../src-main/core/random';

describe('analytic kernel with the onnxruntime float64 Gram', () => {
  it('equals the pure TypeScript kernel on large dense inputs, symmetric and cross', async () => {
    const rng = createRng(4, 'analytic-ort');
    const n = 300;
    const d = 200;
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const spec = { arch: 'fcn' as const, depth: 3, bias: true, form: 'derived' as const };
    const fast = await analyticKernel(spec, x, n, d);
    const pure = analyticNtk(spec, x, n, d);
    let worst = 0;
    for (let i = 0; i < pure.length; i++) worst = Math.max(worst, Math.abs(fast[i] - pure[i]) / Math.max(1, Math.abs(pure[i])));
    // Both are float64; only the summation order of the Gram differs.
    expect(worst).toBeLessThan(1e-12);
    const x2 = x.subarray(0, 170 * d);
    const cross = await analyticKernel({ arch: 'resnet', depth: 2, bias: true, form: 'derived' }, x, n, d, x2, 170);
    const crossPure = analyticNtk({ arch: 'resnet', depth: 2, bias: true, form: 'derived' }, x, n, d, x2, 170);
    for (let i = 0; i < crossPure.length; i += 97) expect(cross[i]).toBeCloseTo(crossPure[i], 10);
  });
});
