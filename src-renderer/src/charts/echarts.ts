// The slice of ECharts the app uses, registered once (tree-shaken: line, scatter and heatmap charts, the canvas
// renderer for the screen and the SVG renderer for export); its option type is src-main/charts/chart-option.ts.
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from '../../../src-main/charts/chart-option';
import { downloadBlob } from '../lib/download';

use([LineChart, ScatterChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, VisualMapComponent, CanvasRenderer, SVGRenderer]);

/** Saves what the chart shows: PNG at twice the screen's resolution, or SVG re-rendered off screen as vectors. */
export function exportChart(chart: EChartsType, format: 'png' | 'svg', filename: string, theme: 'light' | 'dark'): void {
  const background = theme === 'dark' ? '#16191f' : '#ffffff';
  if (format === 'png') {
    const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
    const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    downloadBlob(new Blob([bytes], { type: 'image/png' }), `${filename}.png`);
    return;
  }
  const svg = init(null, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() });
  try {
    svg.setOption({ ...(chart.getOption() as ChartOption), animation: false, backgroundColor: background });
    downloadBlob(new Blob([svg.renderToSVGString()], { type: 'image/svg+xml' }), `${filename}.svg`);
  } finally {
    svg.dispose();
  }
}
