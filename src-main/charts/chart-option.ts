// The option type of the slice of ECharts the workbench's charts use (line, scatter and heatmap series with their
// components). Types only: the renderer registers that slice for the screen, node/report for server-side SVG.
import type { HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | MarkLineComponentOption
  | VisualMapComponentOption
>;

export type ChartSeries = LineSeriesOption | ScatterSeriesOption | HeatmapSeriesOption;
