// Largest-Triangle-Three-Buckets down-sampling (Steinarsson 2013): keeps the visual shape of a long series in
// `threshold` points. O(n) time; x must be ascending for the buckets to mean anything.

/** Indices (ascending) of the points to keep from (xs[i], ys[i]), i < length; all of them when length <= threshold. */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, length: number, threshold: number): Uint32Array {
  if (threshold >= length || threshold < 3) return Uint32Array.from({ length }, (_, i) => i);
  const out = new Uint32Array(threshold);
  const every = (length - 2) / (threshold - 2);
  let a = 0;
  out[0] = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, length);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((xs[a] - avgX) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avgY - ys[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out[i + 1] = best;
    a = best;
  }
  out[threshold - 1] = length - 1;
  return out;
}
