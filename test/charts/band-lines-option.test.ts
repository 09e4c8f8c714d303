// The seed-spread line builder of the reproduction figures: a mean line per series with its fitted slope in the
// legend, a band (lower edge + filled width, stacked) only where seeds disagree, points a log axis cannot draw left
// out, and reference marks named in the legend.
import { describe, expect, it } from 'vitest';
import { bandLinesOption, bandSeriesName } from '../../src-main/charts/band-lines-option';

type Series = { id: string; name: string; data: [number, number][]; stack?: string; areaStyle?: unknown };

describe('bandLinesOption', () => {
  const option = bandLinesOption({
    series: [
      { id: 'ce', name: 'CE', slope: -1.01234, points: [{ x: 64, mean: 2, lower: 1, upper: 3 }, { x: 256, mean: 1, lower: 0.5, upper: 1.5 }, { x: 0, mean: 1, lower: 1, upper: 1 }] },
      { id: 'mse', name: 'MSE', points: [{ x: 64, mean: 0.2, lower: 0.2, upper: 0.2 }, { x: 256, mean: 0.1, lower: 0.1, upper: 0.1 }] },
    ],
    x: { name: 'width m', log: true },
    y: { name: 'drift', log: true },
    marks: [{ axis: 'y', value: 0.018, label: 'bound' }],
  });
  const series = option.series as Series[];

  it('names the fitted slope in the legend', () => {
    expect(bandSeriesName({ id: 'a', name: 'CE', slope: -1.01234, points: [] })).toBe('CE (slope -1.01)');
    expect((option.legend as { data: string[] }).data).toEqual(['CE (slope -1.01)', 'MSE', 'bound']);
  });

  it('draws the mean, and a stacked band only where the seeds spread', () => {
    const ce = series.find((s) => s.id === 'ce');
    expect(ce?.data).toEqual([
      [64, 2],
      [256, 1],
    ]);
    expect(series.find((s) => s.id === 'ce:lower')?.data).toEqual([
      [64, 1],
      [256, 0.5],
    ]);
    const band = series.find((s) => s.id === 'ce:band');
    expect(band?.data).toEqual([
      [64, 2],
      [256, 1],
    ]);
    expect(band?.stack).toBe('band-ce');
    expect(band?.areaStyle).toBeDefined();
    expect(series.some((s) => s.id.startsWith('mse:'))).toBe(false);
  });

  it('draws the bound as a reference line', () => {
    expect(series.find((s) => s.name === 'bound')?.data).toEqual([
      [64, 0.018],
      [256, 0.018],
    ]);
  });
});
