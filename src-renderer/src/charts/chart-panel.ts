// How a chart inside a ChartPanel makes itself exportable: it registers a getter of its ECharts instance under a
// name; the panel's PNG/SVG buttons save every registered chart.
import type { InjectionKey } from 'vue';
import type { EChartsType } from 'echarts/core';

export type RegisterChart = (name: string, instance: () => EChartsType | undefined) => () => void;

export const REGISTER_CHART: InjectionKey<RegisterChart> = Symbol('register-chart');
