// Time left in a run, from recent throughput. A training run's time is spent on two things with very different
// costs: optimiser steps, and recorded steps (metrics, and at kernel steps an empirical-NTK snapshot). Early
// log-spaced schedules put most kernel snapshots in the first few percent of the steps, so "elapsed / step x steps
// left" overestimates a short run by orders of magnitude (issue: ETA 6h54m for a 12-minute run). Here the remaining
// time is (steps left) x (recent seconds per step) + (snapshots left) x (recent seconds per snapshot) + (metric-only
// records left) x (recent seconds per record), with each rate measured on its own; null ("estimating...") until
// the step rate is known.

/** The steps a run records, each list sorted: kernel snapshots and records of metrics only. */
export interface RecordPlan {
  readonly kernelSteps: readonly number[];
  readonly metricSteps: readonly number[];
}

export interface EtaOptions {
  readonly total: number;
  readonly plan?: RecordPlan;
  /** Step-rate samples kept: the most recent ones covering about this many seconds (default 10). */
  readonly windowSeconds?: number;
  /** Step-rate samples needed before an estimate (default 5). */
  readonly minSamples?: number;
  /** Seconds of stepping needed in the window before an estimate (default 0.01), so timer resolution cannot dominate. */
  readonly minSeconds?: number;
  /** Leave the first step-rate sample out (default true: a training run's first step compiles its kernels). */
  readonly skipWarmup?: boolean;
}

export interface EtaEstimator {
  /** `step` steps are done `seconds` after the start (the time since the last notice was spent stepping). */
  stepped(step: number, seconds: number): void;
  /** The recording of `step` (a kernel snapshot when `kernel`) ended `seconds` after the start. */
  recorded(step: number, kernel: boolean, seconds: number): void;
  /** Seconds left, or null while the rates are not known yet. */
  eta(): number | null;
}

interface Sample {
  readonly steps: number;
  readonly seconds: number;
}

/** The median, a cost robust to the odd slow one (a pause, a busy machine) and to early warm-up. */
function median(costs: readonly number[]): number {
  const sorted = [...costs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The cost of a kernel snapshot: the median of the last three. Warm-up (kernels compiled on first use, caches
 * filling) makes a run's first snapshots several times slower than the rest, and the early log-spaced schedule packs
 * them together, so a mean over all of them would overestimate the ones that follow.
 */
function snapshotCost(costs: readonly number[]): number | undefined {
  return costs.length === 0 ? undefined : median(costs.slice(-3));
}

/** The cost of a record of metrics: the median of the recent ones, the first left out (many, cheap and noisy). */
function recordCost(costs: readonly number[], recent = 20): number | undefined {
  const last = costs.slice(costs.length > 1 ? 1 : 0).slice(-recent);
  return last.length === 0 ? undefined : median(last);
}

/**
 * Seconds per step over the samples, robust to pauses: a garbage collection or a host's macrotask turn can land
 * in a one-step sample and make it look 100x slower, so samples slower than `outlier` x the step-weighted median
 * are left out of the sum. Long samples (many steps each) average such pauses in and are kept.
 */
function secondsPerStep(samples: readonly Sample[], outlier = 4): number {
  const sorted = [...samples].sort((a, b) => a.seconds / a.steps - b.seconds / b.steps);
  const half = sorted.reduce((s, x) => s + x.steps, 0) / 2;
  let seen = 0;
  let median = 0;
  for (const x of sorted) {
    seen += x.steps;
    median = x.seconds / x.steps;
    if (seen >= half) break;
  }
  let steps = 0;
  let seconds = 0;
  for (const x of samples)
    if (x.seconds / x.steps <= outlier * median) {
      steps += x.steps;
      seconds += x.seconds;
    }
  return seconds / steps;
}

/** How many of the sorted `steps` are above `after`. */
function countAbove(steps: readonly number[], after: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return steps.length - lo;
}

export function createEtaEstimator(options: EtaOptions): EtaEstimator {
  const { total, plan } = options;
  const windowSeconds = options.windowSeconds ?? 10;
  const minSamples = options.minSamples ?? 5;
  const minSeconds = options.minSeconds ?? 0.01;
  const samples: Sample[] = [];
  let warmupSeen = options.skipWarmup === false;
  const kernelCosts: number[] = [];
  const recordCosts: number[] = [];
  let lastStep = 0;
  let lastRecorded = -1;
  let mark = 0;
  let inWindow = 0;

  return {
    stepped(step, seconds) {
      const steps = step - lastStep;
      const spent = seconds - mark;
      lastStep = step;
      mark = seconds;
      if (steps <= 0) return;
      if (!warmupSeen) {
        warmupSeen = true;
        return;
      }
      samples.push({ steps, seconds: spent });
      inWindow += spent;
      while (samples.length > minSamples && inWindow - samples[0].seconds >= windowSeconds) inWindow -= (samples.shift() as Sample).seconds;
    },
    recorded(step, kernel, seconds) {
      (kernel ? kernelCosts : recordCosts).push(seconds - mark);
      mark = seconds;
      lastRecorded = Math.max(lastRecorded, step);
    },
    eta() {
      const left = total - lastStep;
      if (left <= 0 && (!plan || countAbove(plan.kernelSteps, lastRecorded) + countAbove(plan.metricSteps, lastRecorded) === 0)) return 0;
      if (samples.length < minSamples || inWindow < minSeconds) return null;
      let eta = secondsPerStep(samples) * Math.max(0, left);
      if (plan) {
        const kernelsLeft = countAbove(plan.kernelSteps, lastRecorded);
        const recordsLeft = countAbove(plan.metricSteps, lastRecorded);
        const kernelCost = snapshotCost(kernelCosts);
        if (kernelsLeft > 0 && kernelCost === undefined) return null;
        eta += kernelsLeft * (kernelCost ?? 0) + recordsLeft * (recordCost(recordCosts) ?? 0);
      }
      return eta;
    },
  };
}
