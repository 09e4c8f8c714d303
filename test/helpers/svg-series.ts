// Reads an ECharts SSR SVG (node/report/chart-svg.ts) back: the data lines it draws. A line series is a path with no
// fill and the series stroke width (1.75 px, line-option.ts); grid lines, axes, band edges (opacity 0) and the dashed
// reference marks (1.5 px) are not counted.
export function drawnLineCount(svg: string): number {
  const paths = svg.match(/<path [^>]*>/g) ?? [];
  return paths.filter((p) => p.includes('fill="none"') && p.includes('stroke-width="1.75"') && !/stroke-opacity="0"/.test(p)).length;
}

/** The dashed reference lines (the bound lambda_0/(2n^2)): 1.5 px, dashed. */
export function drawnMarkCount(svg: string): number {
  const paths = svg.match(/<path [^>]*>/g) ?? [];
  return paths.filter((p) => p.includes('fill="none"') && p.includes('stroke-width="1.5"') && p.includes('stroke-dasharray')).length;
}

/** Filled seed-spread bands (band-lines-option.ts: the area between the lower edge and the upper). */
export function drawnBandCount(svg: string): number {
  return (svg.match(/<path [^>]*fill-opacity="0\.18"[^>]*>/g) ?? []).length;
}
