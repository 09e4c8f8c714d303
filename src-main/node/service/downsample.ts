// Shrinks a square kernel for display: block means over factor x factor tiles so that at most maxSize rows remain.
// A 2560 x 2560 Gram (52 MB as float64) reaches a heatmap as 512 x 512 (2 MB), with its structure intact.

export function downsampleSquare(data: Float64Array, rows: number, maxSize: number): { data: Float64Array; size: number; factor: number } {
  const factor = Math.max(1, Math.ceil(rows / maxSize));
  if (factor === 1) return { data, size: rows, factor };
  const size = Math.ceil(rows / factor);
  const out = new Float64Array(size * size);
  const counts = new Float64Array(size * size);
  for (let i = 0; i < rows; i++) {
    const bi = Math.floor(i / factor);
    for (let j = 0; j < rows; j++) {
      const cell = bi * size + Math.floor(j / factor);
      out[cell] += data[i * rows + j];
      counts[cell] += 1;
    }
  }
  for (let c = 0; c < out.length; c++) out[c] /= counts[c];
  return { data: out, size, factor };
}
