// The chart helpers the renderer and node/report share (src-main/charts): sampling, smoothing, group statistics,
// buffers, number formatting, metric names and the Compare view's lines.
import { describe, expect, it } from 'vitest';
import { samplePoints, xOfSteps } from '../../src-main/charts/chart-points';
import { compareLines, summaryLines } from '../../src-main/charts/compare-lines';
import { lineSeries } from '../../src-main/charts/line-option';
import { formatDuration, formatNumber } from '../../src-main/charts/format';
import { groupStats } from '../../src-main/charts/group-stats';
import { lttbIndices } from '../../src-main/charts/lttb';
import { metricLabel, sortMetricNames } from '../../src-main/charts/metric-names';
import { expectedMetricNames, parseSampleMetric } from '../../src-main/contract/metric-names';
import { SeriesBuffer } from '../../src-main/charts/series-buffer';
import { ema } from '../../src-main/charts/smoothing';

describe('lttbIndices', () => {
  it('keeps everything under the threshold and the end points above it', () => {
    expect(Array.from(lttbIndices([0, 1, 2], [1, 2, 3], 3, 10))).toEqual([0, 1, 2]);
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from(xs, (x) => Math.sin(x / 300));
    const kept = lttbIndices(xs, ys, n, 500);
    expect(kept.length).toBe(500);
    expect(kept[0]).toBe(0);
    expect(kept[499]).toBe(n - 1);
    for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
  });

  it('keeps a single spike', () => {
    const n = 5000;
    const ys = new Float64Array(n);
    ys[2345] = 100;
    const kept = lttbIndices(Float64Array.from({ length: n }, (_, i) => i), ys, n, 100);
    expect(Array.from(kept)).toContain(2345);
  });
});

describe('samplePoints', () => {
  it('drops non-finite values, and non-positive ones on a log axis', () => {
    const columns = { t: [0, 1, 2, 3], x: [0, 1, 2, 3], y: [1, NaN, -1, 2], length: 4 };
    expect(samplePoints(columns, { maxPoints: 100 })).toEqual([
      [0, 1],
      [2, -1],
      [3, 2],
    ]);
    expect(samplePoints(columns, { maxPoints: 100, yLog: true })).toEqual([
      [0, 1],
      [3, 2],
    ]);
  });

  it('maps steps to log10 with step 0 dropped', () => {
    expect(Array.from(xOfSteps([0, 1, 100], 3, 'log10'))).toEqual([NaN, 0, 2]);
    expect(Array.from(xOfSteps([0, 1, 100], 3, 'step'))).toEqual([0, 1, 100]);
  });
});

describe('ema', () => {
  it('is debiased, passes NaN through and is the identity at weight 0', () => {
    expect(Array.from(ema([1, 2, 3], 0))).toEqual([1, 2, 3]);
    const out = ema([5, NaN, 5, 5], 0.9);
    expect(out[0]).toBeCloseTo(5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBeCloseTo(5);
    const step = ema([0, 0, 0, 10, 10, 10], 0.5);
    expect(step[3]).toBeGreaterThan(0);
    expect(step[3]).toBeLessThan(10);
  });
});

describe('groupStats', () => {
  it('averages per step over the runs that logged it', () => {
    const a = { steps: [0, 1, 2], values: [1, 2, 3], length: 3 };
    const b = { steps: [0, 1], values: [3, 4], length: 2 };
    const s = groupStats([a, b]);
    expect(Array.from(s.steps)).toEqual([0, 1, 2]);
    expect(Array.from(s.mean)).toEqual([2, 3, 3]);
    expect(Array.from(s.count)).toEqual([2, 2, 1]);
    expect(s.upper[0] - s.mean[0]).toBeCloseTo(Math.SQRT2);
    expect(s.upper[2]).toBe(3);
    const r = groupStats([a, b], 'range');
    expect([r.lower[0], r.upper[0]]).toEqual([1, 3]);
  });
});

describe('SeriesBuffer', () => {
  it('grows, ignores steps at or below the last one, and finds values by step', () => {
    const b = new SeriesBuffer(2);
    for (let s = 0; s < 100; s++) b.push(s * 10, s);
    expect(b.length).toBe(100);
    expect(b.push(990, 1)).toBe(false);
    expect(b.push(500, 1)).toBe(false);
    expect(b.valueAt(500)).toBe(50);
    expect(b.valueAt(505)).toBeNaN();
    const fromDto = SeriesBuffer.fromDto({ steps: [1, 2], wallTimes: [0, 0], values: [null, 3] });
    expect(fromDto.values[0]).toBeNaN();
    expect(fromDto.lastValue).toBe(3);
  });
});

describe('format', () => {
  it('prints numbers and durations for reading', () => {
    expect(formatNumber(0.022091)).toBe('0.02209');
    expect(formatNumber(1.2e-7)).toBe('1.20e-7');
    expect(formatNumber(123456)).toBe('1.23e5');
    expect(formatNumber(null)).toBe('—');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3700)).toBe('1h 01m');
  });
});

describe('compareLines', () => {
  const buffer = (values: number[]) => SeriesBuffer.fromDto({ steps: values.map((_, i) => i + 1), wallTimes: values.map(() => 0), values });
  const options = { xMode: 'step' as const, yLog: false, smoothing: 0, grouped: false, band: 'sd' as const, maxPoints: 1000 };

  it('draws a line per run, raw faint behind the smoothed one', () => {
    const runs = [
      { id: 1, label: 'a', group: '', y: buffer([1, 2, 3]) },
      { id: 2, label: 'b', group: '', y: undefined },
    ];
    expect(compareLines(runs, options).map((l) => l.id)).toEqual(['run-1']);
    const smoothed = compareLines(runs, { ...options, smoothing: 0.5 });
    expect(smoothed.map((l) => [l.id, l.faint ?? false])).toEqual([
      ['run-1:raw', true],
      ['run-1', false],
    ]);
    expect(smoothed[0].color).toBe(smoothed[1].color);
  });

  it('groups runs into a mean with a stacked band', () => {
    const runs = [
      { id: 1, label: 'a', group: 'width=64', y: buffer([1, 1]) },
      { id: 2, label: 'b', group: 'width=64', y: buffer([3, 3]) },
      { id: 3, label: 'c', group: 'width=256', y: buffer([5, 5]) },
    ];
    const lines = compareLines(runs, { ...options, grouped: true, band: 'range' });
    expect(lines.map((l) => l.id)).toEqual(['group-width=64', 'group-width=64:lower', 'group-width=64:band', 'group-width=256']);
    expect(lines[0].points).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(lines[1].points[0][1]).toBe(1);
    expect(lines[2].points[0][1]).toBe(2);
    expect(lines[0].name).toBe('width=64 (n=2)');
  });

  it('plots against another metric at the same step', () => {
    const lines = compareLines([{ id: 1, label: 'a', group: '', y: buffer([10, 20, 30]), x: buffer([0.1, 0.2, 0.3]) }], { ...options, xMode: 'metric' });
    expect(lines[0].points).toEqual([
      [0.1, 10],
      [0.2, 20],
      [0.3, 30],
    ]);
  });

  it('draws summary values against a config value per series, with the bound', () => {
    const lines = summaryLines(
      [
        { x: 1024, y: 0.5, bound: 0.02, series: 'mse' },
        { x: 64, y: 2, bound: 0.02, series: 'mse' },
        { x: 64, y: 3, series: 'bce' },
        { x: 0, y: 1, series: 'bce' },
      ],
      { xLog: true, yLog: true, showBound: true },
    );
    expect(lines.map((l) => l.id)).toEqual(['summary-mse', 'bound-mse', 'summary-bce']);
    expect(lines[0].points).toEqual([
      [64, 2],
      [1024, 0.5],
    ]);
    expect(lines[2].points).toEqual([[64, 3]]);
    expect(lines[1].symbols).toBe(false);
  });

  it('draws a bound known at one x as a marker (a one-point dashed line would not show)', () => {
    const lines = summaryLines([{ x: 256, y: 0.4, bound: 0.018, series: 'bce' }], { xLog: false, yLog: true, showBound: true });
    const bound = lines.find((l) => l.id === 'bound-bce');
    expect(bound?.points).toEqual([[256, 0.018]]);
    expect(bound?.symbols).toBe(true);
    const drawn = lineSeries({ lines, x: { name: 'width' }, y: { name: 'drift', log: true } }).find((s) => s.name === 'bce: bound λ₀/(2n²)');
    expect(drawn && 'showSymbol' in drawn && drawn.showSymbol).toBe(true);
  });
});

describe('metric names', () => {
  it('parses, labels and sorts per-sample names', () => {
    expect(parseSampleMetric('outputs/3/1')).toEqual({ kind: 'outputs', sample: 3, output: 1 });
    expect(parseSampleMetric('loss')).toBeNull();
    expect(metricLabel('diagonal/2')).toBe('K_t(x_2, x_2)');
    expect(sortMetricNames(['u/1', 'outputs/10/0', 'loss', 'outputs/2/0', 'relDrift'])).toEqual(['loss', 'relDrift', 'outputs/2/0', 'outputs/10/0', 'u/1']);
  });

  it('expects the names a config records', () => {
    const names = expectedMetricNames({ loss: { kind: 'bce' }, data: { kind: 'circle', n: 6 }, logging: { trackSamples: [0, 1] } });
    expect(names).toContain('outputs/1/0');
    expect(names).toContain('u/1');
    expect(names).not.toContain('outputs/2/0');
    const softmax = expectedMetricNames({ loss: { kind: 'softmax-ce' }, data: { kind: 'blobs', n: 60, dim: 2, classes: 3 } });
    expect(softmax).toContain('outputs/15/2');
    expect(softmax).not.toContain('u/0');
    expect(names.filter((n) => n.startsWith('gap'))).toEqual([]);
    const dynamics = { analytic: true, linearised: false, kernel0: true };
    expect(expectedMetricNames({ loss: { kind: 'bce' }, data: { kind: 'circle', n: 6 }, dynamics }).filter((n) => n.startsWith('gap'))).toEqual(['gapAnalytic', 'gapKernel0']);
    expect(expectedMetricNames({ loss: { kind: 'bce' }, data: { kind: 'circle', n: 6 }, ntk: { circleSweep: 21 }, dynamics }).filter((n) => n.startsWith('gap'))).toEqual([
      'gapAnalytic',
      'gapAnalyticTest',
      'gapKernel0',
      'gapKernel0Test',
    ]);
  });

  it('labels the dynamics gaps in the paper notation and sorts them with the scalars', () => {
    expect(metricLabel('gapAnalytic')).toBe('max_i |f_t(x_i) − f^ntk_t(x_i)|');
    expect(metricLabel('gapLinearTest')).toBe('max_x |f_t(x) − f^lin_t(x)| (test)');
    expect(metricLabel('gapKernel0')).toBe('max_i |f_t(x_i) − f^K₀_t(x_i)|');
    expect(sortMetricNames(['outputs/0/0', 'gapLinear', 'loss', 'gapAnalytic'])).toEqual(['loss', 'gapAnalytic', 'gapLinear', 'outputs/0/0']);
  });
});
