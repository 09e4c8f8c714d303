// The compare view's summary table: config columns the runs differ in, summary values, sorting with empty cells last.
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../src-main/charts/summary-table';

describe('summary table', () => {
  const runs = [
    { id: 1, label: '#1', color: '#111', config: { 'model.width': '256', 'loss.kind': 'bce' }, summary: { finalLoss: 0.02, bound: 0.018 } },
    { id: 2, label: '#2', color: '#222', config: { 'model.width': '64', 'loss.kind': 'mse' }, summary: { finalLoss: 0.5 } },
    { id: 3, label: '#3', color: '#333', config: { 'model.width': '1024', 'loss.kind': 'bce' }, summary: null },
  ];
  const fields = [
    { key: 'finalLoss', label: 'final loss' },
    { key: 'bound', label: 'bound' },
  ];

  it('has a column per differing config path and per summary value, empty cells as a dash', () => {
    const table = summaryTable(runs, ['model.width', 'loss.kind'], fields);
    expect(table.columns.map((c) => [c.label, c.numeric])).toEqual([
      ['model.width', true],
      ['loss.kind', false],
      ['final loss', true],
      ['bound', true],
    ]);
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['256', 'bce', '0.02', '0.018'],
      ['64', 'mse', '0.5', '—'],
      ['1024', 'bce', '—', '—'],
    ]);
  });

  it('sorts numbers as numbers, text as text, empty cells last either way', () => {
    const ids = (key: string, descending: boolean) => summaryTable(runs, ['model.width', 'loss.kind'], fields, { key, descending }).rows.map((r) => r.id);
    expect(ids('config:model.width', false)).toEqual([2, 1, 3]);
    expect(ids('config:model.width', true)).toEqual([3, 1, 2]);
    expect(ids('config:loss.kind', false)).toEqual([1, 3, 2]);
    expect(ids('summary:finalLoss', true)).toEqual([2, 1, 3]);
    expect(ids('summary:bound', false)).toEqual([1, 2, 3]);
  });
});
