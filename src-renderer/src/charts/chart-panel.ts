// How a chart inside a ChartPanel makes itself exportable: it registers a getter of its ECharts instance under a
// name; the panel's PNG/SVG buttons save every registered chart. A panel of several charts (the kernel heatmaps)
// registers a figure instead: one option drawing them all, saved as one file named with its suffix.
import type { InjectionKey } from 'vue';
import type { EChartsType } from 'echarts/core';
import type { ChartOption } from '../../../src-main/charts/chart-option';

export type RegisterChart = (name: string, instance: () => EChartsType | undefined) => () => void;

export const REGISTER_CHART: InjectionKey<RegisterChart> = Symbol('register-chart');

export interface PanelFigure {
  readonly option: ChartOption;
  readonly width: number;
  readonly height: number;
  /** Appended to the panel's file name, e.g. `step-60`. */
  readonly suffix: string;
}

export type RegisterFigure = (figure: () => PanelFigure | null) => () => void;

export const REGISTER_FIGURE: InjectionKey<RegisterFigure> = Symbol('register-figure');
