// Server-side rendering of the app's chart options (src-main/charts) to standalone SVG with ECharts' SSR mode:
// the same option builders as the screen, vectors out. Each chart gets its own instance, disposed at once.
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from '../../charts/chart-option';

use([LineChart, ScatterChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, VisualMapComponent, SVGRenderer]);

export interface SvgSize {
  /** CSS pixels; the SVG scales freely (it carries a viewBox). */
  readonly width: number;
  readonly height: number;
}

// ECharts tags every element with ids for client-side hydration; a static document does not need them, and a
// 64 x 64 heatmap is half its size without.
const HYDRATION_ATTRS = / ecmeta_[a-z_]+="[^"]*"/g;

/** The chart as an SVG document string (no animation, no scroll legend arrows, a white background for print). */
export function renderChartSvg(option: ChartOption, size: SvgSize): string {
  const chart = init(null, undefined, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    const legend = option.legend && !Array.isArray(option.legend) ? { ...option.legend, type: 'plain' as const } : option.legend;
    chart.setOption({ ...option, animation: false, backgroundColor: '#ffffff', legend, dataZoom: [] });
    return chart.renderToSVGString().replace(HYDRATION_ATTRS, '');
  } finally {
    chart.dispose();
  }
}
