// Exponential moving average as TensorBoard draws it: debiased, so the first points are not pulled towards zero;
// non-finite values pass through and do not disturb the average.

/** `weight` in [0, 1): 0 returns the values unchanged. */
export function ema(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || weight <= 0) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = last / (1 - weight ** count);
  }
  return out;
}
