// The ETA from recent throughput (issue: "ETA 6h54m" for a 12-minute run, 13 min at step 4 for a 9 s run), on
// simulated step timings with a known answer and on the notices of a real run recorded on this machine
// (fixtures/eta/fig1-small-timeline.json: examples/fig1-small.json, 2000 steps, ~10 s, callbacks timed from onStart).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../src-main/node/config-file';
import { createEtaEstimator, type RecordPlan } from '../../../src-main/node/jobs/eta-estimator';
import { recordPlanOf } from '../../../src-main/node/jobs/progress-meter';
import { scheduleSteps } from '../../../src-main/core/train/schedule';

type Event = ['s' | 'k' | 'm', number, number];

/** A run as train-run.ts drives its callbacks: record a scheduled step, then step up to the next one. */
function simulate(total: number, plan: RecordPlan, cost: { step: number; kernel: number; record: number; warmup: number }): Event[] {
  const kernels = new Set(plan.kernelSteps);
  const records = new Set([...plan.kernelSteps, ...plan.metricSteps]);
  const events: Event[] = [];
  let t = 0;
  for (let step = 0; step <= total; ) {
    if (records.has(step)) {
      t += kernels.has(step) ? cost.kernel + (step === 0 ? cost.warmup : 0) : cost.record;
      events.push([kernels.has(step) ? 'k' : 'm', step, t]);
    }
    if (step === total) break;
    const next = [...records].filter((s) => s > step).sort((a, b) => a - b)[0] ?? total;
    const count = Math.min(next - step, 100);
    t += count * cost.step + (step === 0 ? cost.warmup : 0);
    step += count;
    events.push(['s', step, t]);
  }
  return events;
}

/** Replays events into an estimator; per step notice: [step, time, eta, real time left]. */
function replay(events: readonly Event[], total: number, plan: RecordPlan): [number, number, number | null, number][] {
  const estimator = createEtaEstimator({ total, plan });
  const end = events[events.length - 1][2];
  const out: [number, number, number | null, number][] = [];
  for (const [kind, step, t] of events) {
    if (kind === 's') {
      estimator.stepped(step, t);
      out.push([step, t, estimator.eta(), end - t]);
    } else estimator.recorded(step, kind === 'k', t);
  }
  return out;
}

/** What the workbench used to show: elapsed / step x steps left. */
const naive = (step: number, t: number, total: number) => (t / step) * (total - step);

describe('ETA from recent throughput', () => {
  it('is exact on a simulated run with costly early log-spaced snapshots, after saying "estimating" first', () => {
    const total = 20_000;
    const plan: RecordPlan = { kernelSteps: scheduleSteps({ logSpaced: 30 }, total), metricSteps: scheduleSteps({ logSpaced: 200 }, total).filter((s) => !scheduleSteps({ logSpaced: 30 }, total).includes(s)) };
    const cost = { step: 0.002, kernel: 0.4, record: 0.01, warmup: 1.5 };
    const notices = replay(simulate(total, plan, cost), total, plan);
    expect(notices[0][2]).toBeNull();
    const known = notices.filter(([, , eta]) => eta !== null);
    expect(known.length).toBeGreaterThan(notices.length - 10);
    for (const [, , eta, left] of known) expect(eta as number).toBeCloseTo(left, 6);
    // The old formula at the first estimate: many times the real time left.
    const [step, t, , left] = known[0];
    expect(naive(step, t, total) / left).toBeGreaterThan(10);
  });

  it('ignores a pause that lands in a one-step sample', () => {
    const total = 1000;
    const plan: RecordPlan = { kernelSteps: [0, total], metricSteps: [] };
    const estimator = createEtaEstimator({ total, plan });
    estimator.recorded(0, true, 0.5);
    let t = 0.5;
    for (let step = 1; step <= 12; step++) {
      t += step === 7 ? 0.3 : 0.001;
      estimator.stepped(step, t);
    }
    // 988 steps at 1 ms and the final snapshot at 0.5 s; the 0.3 s pause would make it 26 s.
    expect(estimator.eta()).toBeCloseTo(0.988 + 0.5, 2);
  });

  it('counts every checkpoint of an import once one is measured, and reaches 0 at the end', () => {
    const estimator = createEtaEstimator({ total: 4, skipWarmup: false, minSamples: 1, minSeconds: 0 });
    estimator.stepped(0, 0.2);
    expect(estimator.eta()).toBeNull();
    estimator.stepped(1, 2.2);
    expect(estimator.eta()).toBeCloseTo(6, 9);
    estimator.stepped(2, 4.2);
    estimator.stepped(3, 6.2);
    estimator.stepped(4, 8.2);
    expect(estimator.eta()).toBe(0);
  });

  it('stays within 3x of the real time left on a recorded run, where the old formula is 3x or more off early', () => {
    const recorded = JSON.parse(readFileSync(new URL('../../fixtures/eta/fig1-small-timeline.json', import.meta.url), 'utf8')) as { config: unknown; events: Event[] };
    const config = parseRunConfig(recorded.config);
    const notices = replay(recorded.events, config.steps, recordPlanOf(config));
    const known = notices.filter(([, , eta, left]) => eta !== null && left > 0.5);
    expect(known.length).toBeGreaterThan(notices.length * 0.8);
    for (const [, , eta, left] of known) {
      expect(eta as number).toBeLessThan(3 * left);
      expect(eta as number).toBeGreaterThan(left / 3);
    }
    const [step, t, , left] = known[0];
    expect(step).toBeLessThan(config.steps * 0.02);
    expect(naive(step, t, config.steps) / left).toBeGreaterThan(3);
  });
});
