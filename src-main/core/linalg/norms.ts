// Norms of flat float64 arrays (kernels, outputs) used by every metric that compares two of them, plus the
// non-finite scans that guard them: one copy each, accumulated in float64.

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

/**
 * max_i |a_i| and the index of the first NaN or infinite entry (-1 when none) in one pass, for a spectrum that must
 * refuse a non-finite kernel and scale its float32 copy (one read of a large kernel instead of two).
 */
export function finiteMaxAbs(values: ArrayLike<number>): { readonly maxAbs: number; readonly nonFinite: number } {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v > maxAbs) {
      if (v === Infinity) return { maxAbs: v, nonFinite: i };
      maxAbs = v;
    } else if (!(v <= maxAbs)) return { maxAbs: NaN, nonFinite: i };
  }
  return { maxAbs, nonFinite: -1 };
}
