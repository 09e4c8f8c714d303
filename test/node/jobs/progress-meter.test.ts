// Progress as hosts show it, on a real short run: examples/fig1-small.json scaled down (m = 128, 800 steps, the same
// log-spaced kernel schedule, so the costly snapshots crowd the first steps). Every notice from 5% of the steps on has
// an ETA, after a stretch of "estimating" (null), and at 5% it is within 3x of the time the run really had left.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../src-main/node/config-file';
import { createProgressMeter, type RunProgress } from '../../../src-main/node/jobs/progress-meter';
import { trainToDirectory } from '../../../src-main/node/train-to-directory';

describe('progress meter', () => {
  it('gives an early ETA within 3x of the real time left on a scaled-down Fig. 1 run', async () => {
    const example = JSON.parse(await readFile(new URL('../../../examples/fig1-small.json', import.meta.url), 'utf8'));
    const config = parseRunConfig({ ...example, steps: 800, model: { ...example.model, width: 128 } });
    const seen: { progress: RunProgress; at: number }[] = [];
    await trainToDirectory(config, await mkdtemp(join(tmpdir(), 'ntk-eta-')), { onProgress: (progress) => seen.push({ progress, at: performance.now() }) });
    const end = performance.now();
    expect(seen[seen.length - 1].progress).toMatchObject({ step: 800, total: 800 });
    expect(seen[0].progress.etaSeconds).toBeNull();
    // From 5% of the steps on every notice has an ETA. (Which notice is the first with one depends on when the
    // 100 ms throttle lets one through: on a loaded machine 30 steps can pass between two notices.)
    const first = seen.find((p) => p.progress.etaSeconds !== null) as (typeof seen)[number];
    expect(seen.filter((p) => p.progress.step >= 40).every((p) => p.progress.etaSeconds !== null)).toBe(true);
    expect(first.progress.step).toBeLessThan(800);
    // The estimate at the first notice from 5% of the steps on, when the first snapshots' warm-up is behind it.
    const early = seen.find((p) => p.progress.step >= 40) as (typeof seen)[number];
    const eta = early.progress.etaSeconds as number;
    const left = (end - early.at) / 1000;
    console.log(`first ETA at step ${first.progress.step}; at step ${early.progress.step}/800: ${eta.toFixed(2)} s, real time left ${left.toFixed(2)} s`);
    expect(eta).toBeLessThan(3 * left);
    expect(eta).toBeGreaterThan(left / 3);
  }, 120_000);

  it('emits at most every throttle interval, always the last step, and null losses for non-finite ones', () => {
    let now = 0;
    const seen: RunProgress[] = [];
    const meter = createProgressMeter((p) => seen.push(p), { total: 10, now: () => now });
    meter.start();
    for (let step = 1; step <= 10; step++) {
      now += 30;
      meter.step(step, step === 3 ? NaN : 1 / step);
    }
    expect(seen.map((p) => p.step)).toEqual([1, 5, 9, 10]);
    expect(seen[0]).toMatchObject({ loss: 1, elapsedSeconds: 0.03, etaSeconds: null });
    const meter2 = createProgressMeter((p) => seen.push(p), { total: 10, throttleMs: 0, now: () => now });
    meter2.step(3, NaN);
    expect(seen[seen.length - 1].loss).toBeNull();
  });
});
