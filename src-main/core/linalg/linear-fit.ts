// Ordinary least squares of y on x (one regressor): the slope, intercept and R^2 the reproduction experiments read
// off log-log width scaling and log-t growth. Float64, O(n); non-finite pairs are skipped.

export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  /** 1 - SS_res / SS_tot; NaN when y is constant or fewer than 2 points remain. */
  readonly r2: number;
  readonly count: number;
}

export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN, count: n };
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  const r2 = syy > 0 && sxx > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  return { slope, intercept, r2, count: n };
}

/** Slope of log10 y against log10 x over the positive pairs: the exponent of a power law y ~ x^p. */
export function powerLawFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const lx = Array.from(x, (v, i) => (v > 0 && y[i] > 0 ? Math.log10(v) : NaN));
  const ly = Array.from(y, (v) => (v > 0 ? Math.log10(v) : NaN));
  return linearFit(lx, ly);
}
