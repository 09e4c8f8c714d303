// The synced cursor's readout (nearest logged step per series, the step mapping of each x mode), the pinned line
// and the plotted-data CSV shared by the figure export and the panels' Copy CSV.
import { describe, expect, it } from 'vitest';
import { stepOfX, xOfStep, type XMode } from '../../src-main/charts/chart-points';
import { lineChartOption, PIN_SERIES_ID, pinSeries } from '../../src-main/charts/line-option';
import { metricChartOption } from '../../src-main/charts/metric-option';
import { csvField, plottedCsv } from '../../src-main/charts/plotted-csv';
import { nearestStepIndex, stepReadout } from '../../src-main/charts/step-readout';
import { SeriesBuffer } from '../../src-main/charts/series-buffer';

function buffer(points: [number, number | null][]): SeriesBuffer {
  const b = new SeriesBuffer(4);
  for (const [s, v] of points) b.push(s, v);
  return b;
}

describe('step readout', () => {
  it('finds the nearest logged step, ties to the earlier one', () => {
    const steps = [0, 1, 2, 4, 8, 16];
    expect(nearestStepIndex(steps, steps.length, 5)).toBe(3);
    expect(nearestStepIndex(steps, steps.length, 6)).toBe(3);
    expect(nearestStepIndex(steps, steps.length, 7)).toBe(4);
    expect(nearestStepIndex(steps, steps.length, -3)).toBe(0);
    expect(nearestStepIndex(steps, steps.length, 1000)).toBe(5);
    expect(nearestStepIndex(steps, 3, 1000)).toBe(2);
    expect(nearestStepIndex(steps, 0, 3)).toBe(-1);
    expect(nearestStepIndex(steps, steps.length, NaN)).toBe(-1);
  });

  it('reads every series at its own nearest step and names the step most of them share', () => {
    const loss = buffer([
      [0, 0.69],
      [10, 0.5],
      [20, 0.25],
    ]);
    const kernel = buffer([
      [0, 3],
      [20, 2.5],
    ]);
    const readout = stepReadout(12, [
      { label: 'loss', columns: loss },
      { label: 'λ_min', columns: kernel, color: '#4e79a7' },
      { label: 'absent', columns: undefined },
      { label: 'empty', columns: new SeriesBuffer() },
    ]);
    expect(readout).toEqual({
      step: 10,
      rows: [
        { label: 'loss', step: 10, value: '0.5' },
        { label: 'λ_min', step: 20, value: '2.5', color: '#4e79a7' },
      ],
    });
    expect(stepReadout(5, [{ label: 'none', columns: undefined }])).toBeNull();
    expect(stepReadout(20, [{ label: 'nan', columns: buffer([[20, null]]) }])?.rows[0].value).toBe('NaN');
  });

  it('maps x back to the step under each x mode', () => {
    for (const mode of ['step', 'log10', 'log1p'] as XMode[]) for (const step of [1, 7, 120, 5000]) expect(stepOfX(xOfStep(step, mode), mode)).toBeCloseTo(step, 9);
    expect(stepOfX(xOfStep(0, 'log1p'), 'log1p')).toBe(0);
  });
});

describe('pinned cursor line', () => {
  it('is a silent vertical mark at x, out of the tooltip and of the plotted data', () => {
    const pin = pinSeries(2, 'pinned: step 100') as { id: string; data: unknown[]; markLine: { data: { xAxis: number }[] }; tooltip: { show: boolean } };
    expect(pin.id).toBe(PIN_SERIES_ID);
    expect(pin.data).toEqual([]);
    expect(pin.markLine.data).toEqual([{ xAxis: 2 }]);
    expect(pin.tooltip.show).toBe(false);
    const option = lineChartOption({ lines: [{ id: 'a', name: 'a', points: [[1, 2]] }], x: { name: 'step', meaning: 'step' }, y: { name: 'y' } });
    expect(plottedCsv({ ...option, series: [...(option.series as object[]), pin] } as never)).toBe('series,x,y,value,step\na,1,2,,1\n');
  });
});

describe('plotted CSV', () => {
  it('quotes fields only when needed', () => {
    expect(csvField('loss')).toBe('loss');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('gives each plotted point with the step it stands for on a log10-step axis, raw twins named apart', () => {
    const loss = buffer([
      [1, 0.5],
      [10, 0.25],
      [100, 0.125],
    ]);
    const option = metricChartOption({ lines: [{ metric: 'loss', label: 'loss, mean' }], source: () => loss, xMode: 'log10', yLog: false, yName: 'loss', smoothing: 0.5, marks: [{ axis: 'x', value: 10, label: 'first crossing' }], maxPoints: 100 });
    const rows = plottedCsv(option).trim().split('\n');
    expect(rows[0]).toBe('series,x,y,value,step');
    const raw = rows.filter((r) => r.startsWith('"loss, mean (raw)"'));
    expect(raw.map((r) => r.split(',').slice(-4))).toEqual([
      ['0', '0.5', '', '1'],
      ['1', '0.25', '', '10'],
      ['2', '0.125', '', '100'],
    ]);
    expect(rows.filter((r) => r.startsWith('"loss, mean",'))).toHaveLength(3);
    expect(rows.at(-1)).toBe('first crossing,1,,,10');
  });

  it('writes a heatmap cell as column, row and value', () => {
    const csv = plottedCsv({ series: [{ type: 'heatmap', name: 'K₀', data: [[0, 1, 2.5]] }] } as never);
    expect(csv).toBe('series,x,y,value,step\nK₀,0,1,2.5,\n');
  });
});
