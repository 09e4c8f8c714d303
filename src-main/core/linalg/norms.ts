// Norms of flat float64 arrays (kernels, outputs) used by every metric that compares two of them, plus the
// non-finite scan that guards them: one copy each, accumulated in float64.

/** Frobenius norm of a - b (or of a when b is undefined). Cost O(length). */
export function frobenius(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = b ? a[i] - b[i] : a[i];
    s += v * v;
  }
  return Math.sqrt(s);
}

/** max_i |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Index of the first NaN or infinite entry, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
