// Tooltip content under a strict CSP (header in words, one row per series with its name and colour, DOM nodes
// without inline style markup), tick labels whose precision follows the axis range, legend layout and the
// first-crossing mark.
import { describe, expect, it } from 'vitest';
import { stepAxis, xOfStep, xOfSteps } from '../../src-main/charts/chart-points';
import { summaryCategories, summaryLines } from '../../src-main/charts/compare-lines';
import { formatTick } from '../../src-main/charts/format';
import { heatmapPanelOption } from '../../src-main/charts/heatmap-option';
import { LEGEND_ROW_PX, legendNames, legendRows, lineChartOption } from '../../src-main/charts/line-option';
import { metricLabel } from '../../src-main/charts/metric-names';
import { metricChartOption } from '../../src-main/charts/metric-option';
import { runPanels } from '../../src-main/charts/run-panels';
import { lineTooltipContent, tooltipNodes, tooltipText, xHeader } from '../../src-main/charts/tooltip';

describe('tooltip content', () => {
  it('says the step and its log10 on the Fig. 1 axis, the step on a step axis, the axis name otherwise', () => {
    expect(xHeader(Math.log10(120), 'log10-step', 'log₁₀ step')).toBe('step 120 (log₁₀ t = 2.079)');
    expect(xHeader(120, 'step', 'step')).toBe('step 120');
    expect(xHeader(0.5, 'value', 'width')).toBe('width = 0.5');
  });

  it('gives one row per series with its name, colour and value, skipping repeated series', () => {
    const params = [
      { seriesName: 'f_t(x_0)', seriesId: 'a', color: '#4e79a7', value: [Math.log10(50), -2.294] },
      { seriesName: 'f_t(x_1)', seriesId: 'b', color: '#f28e2b', value: [Math.log10(50), 1.5] },
      { seriesName: 'f_t(x_1)', seriesId: 'b', color: '#f28e2b', value: [Math.log10(50), 1.5] },
    ];
    const content = lineTooltipContent(params, 'log10-step', 'log₁₀ step');
    expect(content.header).toBe('step 50 (log₁₀ t = 1.699)');
    expect(content.rows).toEqual([
      { name: 'f_t(x_0)', color: '#4e79a7', value: '-2.294' },
      { name: 'f_t(x_1)', color: '#f28e2b', value: '1.5' },
    ]);
    expect(tooltipText(content)).toBe('step 50 (log₁₀ t = 1.699)\nf_t(x_0): -2.294\nf_t(x_1): 1.5');
  });

  it('builds nodes with classes and sets the swatch colour through the CSSOM, never a style attribute', () => {
    interface Node { tag: string; className: string; textContent: string | null; style: { backgroundColor: string }; children: Node[]; appendChild(c: Node): void }
    const doc = {
      createElement(tag: string): Node {
        const node: Node = { tag, className: '', textContent: null, style: { backgroundColor: '' }, children: [], appendChild: (c) => node.children.push(c) };
        return node;
      },
    };
    const root = tooltipNodes({ header: 'step 3', rows: [{ name: 'loss', color: '#e15759', value: '0.25' }] }, doc) as Node;
    expect(root.className).toBe('chart-tip');
    expect(root.children[0]).toMatchObject({ className: 'chart-tip-header', textContent: 'step 3' });
    const [swatch, name, value] = root.children[1].children;
    expect(swatch).toMatchObject({ className: 'chart-tip-swatch', style: { backgroundColor: '#e15759' } });
    expect(name.textContent).toBe('loss');
    expect(value.textContent).toBe('0.25');
    expect(tooltipNodes({ header: 'h', rows: [] }, undefined)).toBe('h');
  });

  it('is what a line chart option uses', () => {
    const option = lineChartOption({ lines: [{ id: 'loss', name: 'loss', points: [[0, 1], [10, 0.5]] }], x: { name: 'step', meaning: 'step' }, y: { name: 'loss' } });
    const formatter = (option.tooltip as { formatter: (p: unknown) => unknown }).formatter;
    expect(formatter([{ seriesName: 'loss', seriesId: 'loss', color: '#4e79a7', value: [10, 0.5] }])).toBe('step 10\nloss: 0.5');
  });
});

describe('formatTick', () => {
  it('keeps the digits that tell neighbouring ticks apart when a series varies little', () => {
    const ticks = [364.2, 364.4, 364.6, 364.8, 365];
    expect(ticks.map(formatTick)).toEqual(['364.2', '364.4', '364.6', '364.8', '365']);
    expect(new Set([6.785, 6.79, 6.795].map(formatTick)).size).toBe(3);
  });

  it('rounds float noise off and writes exponents for the very large and very small', () => {
    expect(formatTick(0.1 + 0.2)).toBe('0.3');
    expect(formatTick(125000)).toBe('1.25e5');
    expect(formatTick(0.00025)).toBe('2.5e-4');
    expect(formatTick(0)).toBe('0');
    expect(formatTick(-1.5)).toBe('-1.5');
  });
});

describe('legend layout', () => {
  it('wraps long names onto rows and moves the grid below them, so nothing is clipped or paged', () => {
    const names = Array.from({ length: 6 }, (_, i) => `K_t(x_${i}, x_${i})`);
    expect(legendRows([])).toBe(0);
    expect(legendRows(['loss'])).toBe(1);
    const rows = legendRows(names, 300);
    expect(rows).toBeGreaterThan(1);
    expect(legendRows(names, 2000)).toBe(1);
    const lines = names.map((name, i) => ({ id: `diagonal/${i}`, name, points: [[0, i], [1, i]] as [number, number][] }));
    const option = lineChartOption({ lines, x: { name: 'step' }, y: { name: 'K' } }) as { legend: { type: string; data: string[] }; grid: { top: number } };
    expect(option.legend.type).toBe('plain');
    expect(option.legend.data).toEqual(names);
    expect(option.grid.top).toBe(28 + legendRows(names) * LEGEND_ROW_PX);
  });

  it('lists each drawn line once, with horizontal marks, but not faint twins or vertical marks', () => {
    const spec = {
      lines: [
        { id: 'a:raw', name: 'a', faint: true, points: [] },
        { id: 'a', name: 'a', points: [] },
        { id: 'b', name: 'b', points: [] },
      ],
      marks: [
        { axis: 'y' as const, value: 1, label: 'bound' },
        { axis: 'x' as const, value: 3, label: 'first crossing: step 3' },
      ],
      x: { name: 'step' },
      y: { name: 'y' },
    };
    expect(legendNames(spec)).toEqual(['a', 'b', 'bound']);
  });

  it('names u_i by its sample like the outputs', () => {
    expect(metricLabel('u/3')).toBe('u_t(x_3)');
    expect(metricLabel('outputs/3/0')).toBe('f_t(x_3)');
  });
});

describe('first crossing of the bound', () => {
  const input = (firstCrossStep: number) => ({ kind: 'train', names: ['maxAbsDiffAnalytic'], summary: { bound: 0.01, firstCrossStep }, config: {}, active: false });
  const analytic = (firstCrossStep: number) => runPanels(input(firstCrossStep)).find((p) => p.id === 'analytic')!;

  it('is marked on the step axis and named in the note', () => {
    const panel = analytic(40);
    expect(panel.marks).toContainEqual({ axis: 'x', value: 40, label: 'first crossing: step 40' });
    expect(panel.note).toBe('First crosses the bound at step 40.');
  });

  it('says "already above the bound at initialisation" at step 0 instead of a mark the log axis cannot show', () => {
    const panel = analytic(0);
    expect(panel.marks?.filter((m) => m.axis === 'x')).toEqual([]);
    expect(panel.note).toBe('Already above the bound at initialisation (step 0).');
  });
});

describe('heatmap panel figure', () => {
  it('holds each heatmap in its own grid with its title and its own colour bar', () => {
    const spec = (v: number) => ({ data: Float64Array.from([v, 0, 0, v]), size: 2, factor: 1, min: 0, max: v });
    const option = heatmapPanelOption([
      { title: 'K₀ (step 0)', spec: spec(1) },
      { title: 'K_t (step 60)', spec: spec(5) },
      { title: 'K_t − K₀ (step 60)', spec: { ...spec(4), min: -4, diverging: true } },
    ]) as unknown as { title: { text: string }[]; grid: unknown[]; visualMap: { seriesIndex: number; max: number }[]; series: { xAxisIndex: number; yAxisIndex: number }[] };
    expect(option.title.map((t) => t.text)).toEqual(['K₀ (step 0)', 'K_t (step 60)', 'K_t − K₀ (step 60)']);
    expect(option.grid).toHaveLength(3);
    expect(option.visualMap.map((v) => [v.seriesIndex, v.max])).toEqual([[0, 1], [1, 5], [2, 4]]);
    expect(option.series.map((s) => [s.xAxisIndex, s.yAxisIndex])).toEqual([[0, 0], [1, 1], [2, 2]]);
  });
});

describe('sparse series', () => {
  it('draw a marker at each point when they have few, none when dense', () => {
    const columns = (n: number) => ({ steps: Float64Array.from({ length: n }, (_, i) => i * 5), values: Float64Array.from({ length: n }, (_, i) => i), length: n });
    const option = (n: number) =>
      metricChartOption({ lines: [{ metric: 'relDrift', label: 'drift' }], source: () => columns(n), xMode: 'step', yLog: false, yName: '', smoothing: 0, marks: [], maxPoints: 1000 }) as { series: { showSymbol: boolean; data: unknown[] }[] };
    expect(option(4).series[0]).toMatchObject({ showSymbol: true });
    expect(option(4).series[0].data[0]).toEqual([0, 0]);
    expect(option(500).series[0]).toMatchObject({ showSymbol: false });
  });
});

describe('log10(1 + t) step axis', () => {
  it('keeps step 0 (at 0) where log10 step drops it, and the tooltip names the step', () => {
    expect(Array.from(xOfSteps([0, 9, 99], 3, 'log1p'))).toEqual([0, 1, 2]);
    expect(Number.isNaN(xOfStep(0, 'log10'))).toBe(true);
    expect(stepAxis('log1p')).toEqual({ name: 'log₁₀(1 + step)', meaning: 'log1p-step' });
    expect(xHeader(2, 'log1p-step', '')).toBe('step 99 (log₁₀(1 + t) = 2)');
  });
});

describe('summary against a categorical config field', () => {
  it('puts runs at the categories as points and names them on the axis and in the tooltip', () => {
    const cats = summaryCategories(['mse', 'bce', 'mse', 'bce']);
    expect(cats).toEqual(['bce', 'mse']);
    const points = [
      { x: 1, y: 0.1, series: 'runs' },
      { x: 0, y: 2, series: 'runs' },
      { x: 0, y: 2.5, series: 'runs' },
    ];
    const lines = summaryLines(points, { xLog: false, yLog: false, showBound: false, categorical: true });
    expect(lines[0].pointsOnly).toBe(true);
    const option = lineChartOption({ lines, x: { name: 'loss.kind', categories: cats }, y: { name: 'y' } }) as unknown as {
      xAxis: { min: number; max: number; interval: number; axisLabel: { formatter: (v: number) => string } };
      series: { lineStyle: { opacity: number }; showSymbol: boolean }[];
      tooltip: { formatter: (p: unknown) => unknown };
    };
    expect([option.xAxis.min, option.xAxis.max, option.xAxis.interval]).toEqual([-0.5, 1.5, 1]);
    expect([0, 1, 0.5].map(option.xAxis.axisLabel.formatter)).toEqual(['bce', 'mse', '']);
    expect(option.series[0]).toMatchObject({ showSymbol: true, lineStyle: { opacity: 0 } });
    expect(option.tooltip.formatter({ seriesName: 'runs', color: '#4e79a7', value: [1, 0.1] })).toBe('loss.kind = mse\nruns: 0.1');
  });
});
