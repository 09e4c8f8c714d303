// Least-squares fits against values worked out by hand: an exact line, a noisy set whose slope, intercept and R^2
// follow from the normal equations, a power law, and what is skipped (non-finite pairs, too few points).
import { describe, expect, it } from 'vitest';
import { linearFit, powerLawFit } from '../../../src-main/core/linalg/linear-fit';

describe('linearFit', () => {
  it('recovers an exact line with R² = 1', () => {
    const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2, 14);
    expect(fit.intercept).toBeCloseTo(1, 14);
    expect(fit.r2).toBeCloseTo(1, 14);
  });

  it('matches the normal equations on scattered points', () => {
    // x = 1..4, y = 2, 3, 5, 4: mean x 2.5, mean y 3.5, Sxx 5, Sxy 4, Syy 5 -> slope 0.8, intercept 1.5, R² 16/25.
    const fit = linearFit([1, 2, 3, 4], [2, 3, 5, 4]);
    expect(fit.slope).toBeCloseTo(0.8, 14);
    expect(fit.intercept).toBeCloseTo(1.5, 14);
    expect(fit.r2).toBeCloseTo(0.64, 14);
  });

  it('skips non-finite pairs and needs two points', () => {
    expect(linearFit([1, NaN, 2], [1, 5, 3]).slope).toBeCloseTo(2, 14);
    expect(Number.isNaN(linearFit([1], [1]).slope)).toBe(true);
    expect(Number.isNaN(linearFit([1, 2], [3, 3]).r2)).toBe(true);
  });
});

describe('powerLawFit', () => {
  it('finds the exponent of y = 3 x^-0.5 and drops non-positive values', () => {
    const x = [16, 64, 256, 1024, -1];
    const fit = powerLawFit(x, x.map((v) => 3 / Math.sqrt(v)));
    expect(fit.slope).toBeCloseTo(-0.5, 12);
    expect(10 ** fit.intercept).toBeCloseTo(3, 12);
    expect(fit.count).toBe(4);
  });
});
