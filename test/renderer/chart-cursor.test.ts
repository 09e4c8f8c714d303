// The view-wide chart cursor: every line chart of a view joins one ECharts connect group, a hover on any of them sets
// the step the readout shows (every series at its nearest logged step), a pin holds it until Unpin; and a panel's
// Copy CSV puts the plotted data on the clipboard. Small host components are defined inline, one per test.
/* eslint-disable vue/one-component-per-file */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, inject, onMounted, type Ref, ref } from 'vue';
import type { EChartsType } from 'echarts/core';
import ChartPanel from '../../src-renderer/src/charts/ChartPanel.vue';
import { REGISTER_CHART } from '../../src-renderer/src/charts/chart-panel';
import EChart from '../../src-renderer/src/charts/EChart.vue';
import StepReadout from '../../src-renderer/src/charts/StepReadout.vue';
import { type ChartCursor, provideChartCursor } from '../../src-renderer/src/composables/use-chart-cursor';
import type { XMode } from '../../src-main/charts/chart-points';
import { lineChartOption } from '../../src-main/charts/line-option';
import { SeriesBuffer } from '../../src-main/charts/series-buffer';

const loss = SeriesBuffer.fromDto({ steps: [0, 10, 100, 1000], wallTimes: [0, 0, 0, 0], values: [0.7, 0.5, 0.2, 0.05] });
const drift = SeriesBuffer.fromDto({ steps: [0, 100, 1000], wallTimes: [0, 0, 0], values: [0, 0.01, 0.02] });
const option = lineChartOption({ lines: [{ id: 'loss', name: 'loss', points: [[1, 0.5]] }], x: { name: 'log₁₀ step', log: false, meaning: 'log10-step' }, y: { name: 'loss' } });

function mountView(mode: Ref<XMode | null> = ref('log10')) {
  let cursor: ChartCursor | undefined;
  const View = defineComponent({
    setup() {
      cursor = provideChartCursor(mode);
      const entries = [
        { label: 'loss', columns: loss },
        { label: 'drift', columns: drift },
      ];
      return () => h('div', [h(StepReadout, { entries, version: 0 }), h(EChart, { option, name: 'a', cursor: true }), h(EChart, { option, name: 'b', cursor: true }), h(EChart, { option, name: 'heatmap' })]);
    },
  });
  const view = mount(View, { attachTo: document.body });
  return { view, cursor: cursor! };
}

describe('chart cursor', () => {
  it('puts the view’s line charts in one connect group and reads every series at the hovered step', async () => {
    const { view, cursor } = mountView();
    const charts = view.findAllComponents({ name: 'VChart' });
    const groups = charts.map((c) => c.attributes('group'));
    expect(groups[0]).toMatch(/^cursor-\d+$/);
    expect(groups[1]).toBe(groups[0]);
    expect(groups[2]).toBeUndefined();
    expect(view.find('[data-testid="step-readout"]').text()).toContain('Hover a chart');
    // The axis pointer of one chart moved to log10 t = 2 (step 100), as ECharts reports it.
    (charts[1].vm.$attrs.onUpdateAxisPointer as (e: object) => void)({ axesInfo: [{ axisDim: 'x', axisIndex: 0, value: 2 }] });
    await flushPromises();
    expect(cursor.hovered.value).toBe(100);
    const rows = () => view.findAll('[data-testid="readout-row"]').map((r) => [r.find('.readout-label').text(), r.find('.readout-value').text()]);
    expect(view.find('[data-testid="step-readout"]').attributes('data-step')).toBe('100');
    expect(rows()).toEqual([
      ['loss', '0.2'],
      ['drift', '0.01'],
    ]);
    // Off the plot: nothing hovered.
    (charts[0].vm.$attrs.onUpdateAxisPointer as (e: object) => void)({ axesInfo: [] });
    await flushPromises();
    expect(cursor.step.value).toBeNull();
    view.unmount();
  });

  it('holds a pinned step while the mouse moves on, until Unpin; no pin while x is not a step', async () => {
    const mode = ref<XMode | null>('step');
    const { view, cursor } = mountView(mode);
    cursor.pinX(12);
    cursor.hoverX(900);
    await flushPromises();
    const readout = view.find('[data-testid="step-readout"]');
    expect(readout.attributes('data-pinned')).toBe('true');
    expect(readout.attributes('data-step')).toBe('10');
    expect(readout.text()).toContain('pinned ·');
    // The pin snapped to the logged step the readout shows.
    expect(cursor.pinned.value).toBe(10);
    // drift has no step 10: its row names the step it is from.
    expect(view.findAll('[data-testid="readout-row"]')[1].text()).toContain('(step 0)');
    await view.find('[data-testid="readout-unpin"]').trigger('click');
    expect(view.find('[data-testid="step-readout"]').attributes('data-step')).toBe('1000');
    mode.value = null;
    cursor.unpin();
    cursor.pinX(3);
    expect(cursor.pinned.value).toBeNull();
    view.unmount();
  });
});

describe('Copy CSV', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies the plotted data of the panel’s chart through the shared CSV builder', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    // The panel's content: registers a chart whose option is `option`, as EChart does with its instance.
    const Chart = defineComponent({
      setup() {
        const register = inject(REGISTER_CHART)!;
        onMounted(() => register('loss', () => ({ getOption: () => option }) as unknown as EChartsType));
        return () => h('div');
      },
    });
    const panel = mount(ChartPanel, { props: { title: 'Loss' }, slots: { default: () => h(Chart) }, attachTo: document.body });
    await flushPromises();
    await panel.find('[data-testid="copy-csv"]').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith('series,x,y,value,step\nloss,1,0.5,,10\n');
    expect(panel.find('[data-testid="copy-csv"]').text()).toBe('Copied');
    panel.unmount();
  });
});
