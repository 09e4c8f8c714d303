import { describe, expect, it } from 'vitest';
import { scheduleSteps } from '../../../src-main/core/train/schedule';

describe('recording schedules', () => {
  it('always includes the first and last step', () => {
    expect(scheduleSteps({ steps: [5] }, 10)).toEqual([0, 5, 10]);
  });

  it('takes the union of every, log-spaced and explicit steps, sorted and unique', () => {
    expect(scheduleSteps({ every: 4, steps: [3, 4, 99] }, 10)).toEqual([0, 3, 4, 8, 10]);
    const log = scheduleSteps({ logSpaced: 5 }, 10_000);
    expect(log).toEqual([0, 1, 10, 100, 1000, 10_000]);
  });

  it('log spacing gives evenly spaced points in log10(step)', () => {
    const steps = scheduleSteps({ logSpaced: 41 }, 1_000_000).filter((s) => s > 0);
    const logs = steps.map((s) => Math.log10(s));
    const gaps = logs.slice(1).map((v, i) => v - logs[i]);
    const late = gaps.slice(-10);
    late.forEach((g) => expect(g).toBeCloseTo(0.15, 2));
  });
});
