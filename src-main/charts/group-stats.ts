// Mean and spread over a group of runs (typically seeds of one configuration), step by step: each step counts the
// runs that logged it, so runs cut short still contribute where they have data.

export interface RunColumns {
  readonly steps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly length: number;
}

export interface GroupStats {
  readonly steps: Float64Array;
  readonly mean: Float64Array;
  /** mean - sd and mean + sd (sample sd; 0 for a single run), or min and max with `band: 'range'`. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly count: Uint32Array;
}

export function groupStats(runs: readonly RunColumns[], band: 'sd' | 'range' = 'sd'): GroupStats {
  const byStep = new Map<number, number[]>();
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      const v = run.values[i];
      if (!Number.isFinite(v)) continue;
      const list = byStep.get(run.steps[i]);
      if (list) list.push(v);
      else byStep.set(run.steps[i], [v]);
    }
  }
  const steps = Float64Array.from([...byStep.keys()].sort((a, b) => a - b));
  const mean = new Float64Array(steps.length);
  const lower = new Float64Array(steps.length);
  const upper = new Float64Array(steps.length);
  const count = new Uint32Array(steps.length);
  steps.forEach((step, i) => {
    const values = byStep.get(step) ?? [];
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[i] = m;
    count[i] = values.length;
    if (band === 'range') {
      lower[i] = Math.min(...values);
      upper[i] = Math.max(...values);
    } else {
      const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)) : 0;
      lower[i] = m - sd;
      upper[i] = m + sd;
    }
  });
  return { steps, mean, lower, upper, count };
}
