// The Compare view on a merged sweep: runs carrying axis:<path>=<value> tags open grouped by the sweep's axes other
// than the seed (seeds pooled into a band), and the axes together are the first grouping offered. As a dashboard:
// further metric panels, each run's own bound, the step readout; the summary table with config columns. Runs with a
// dynamics block offer its gaps like any other metric.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-main/contract/records';
import { installBackend } from '../../src-renderer/src/services/backend';
import CompareView from '../../src-renderer/src/views/CompareView.vue';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

function sweepRun(id: number, width: number, loss: string, seed: number): RunRecord {
  const base = runRecord(id);
  return runRecord(id, {
    seed,
    tags: ['sweep:s', `axis:model.width=${width}`, `axis:loss.kind=${loss}`, `axis:seed=${seed}`],
    config: { ...base.config, seed, model: { arch: 'fcn', depth: 3, width }, loss: { kind: loss } },
  });
}

async function open(records: RunRecord[]) {
  installBackend(
    fakeBackend({
      'runs:get': ({ id }) => records.find((r) => r.id === id)!,
      'runs:metrics': () => ({ series: { loss: { steps: [0, 1], wallTimes: [0, 1], values: [1, 0.5] } } }),
    }),
  );
  const view = mount(CompareView, { props: { runIds: records.map((r) => r.id) }, attachTo: document.body });
  await flushPromises();
  return view;
}

describe('CompareView on a sweep', () => {
  it('opens grouped by the sweep axes other than the seed', async () => {
    const records = [8, 16].flatMap((w, i) => ['bce', 'mse'].flatMap((l, j) => [0, 1].map((s) => sweepRun(1 + i * 4 + j * 2 + s, w, l, s))));
    const view = await open(records);
    const select = view.find<HTMLSelectElement>('select[aria-label="Group by config field"]');
    expect(select.element.value).toBe('model.width,loss.kind');
    const options = select.findAll('option').map((o) => o.text());
    expect(options.slice(0, 2)).toEqual(['none', 'model.width × loss.kind']);
    expect(options).toContain('model.width');
    view.unmount();
  });

  it('leaves runs without axis tags ungrouped', async () => {
    const view = await open([runRecord(1), runRecord(2)]);
    expect(view.find<HTMLSelectElement>('select[aria-label="Group by config field"]').element.value).toBe('');
    view.unmount();
  });
});

describe('CompareView as a dashboard', () => {
  const seriesOf = (names: string[]) => Object.fromEntries(names.map((n) => [n, { steps: [0, 10, 100], wallTimes: [0, 1, 2], values: [1, 0.5, 0.25] }]));

  it('adds metric panels on one cursor, fetches their metrics and draws each run’s own bound in its colour', async () => {
    const records = [runRecord(1, { summary: { bound: 0.02 } }), runRecord(2, { summary: { bound: 0.005 } })];
    const backend = fakeBackend({ 'runs:get': ({ id }) => records.find((r) => r.id === id)!, 'runs:metrics': ({ names }) => ({ series: seriesOf(names ?? []) }) });
    installBackend(backend);
    const view = mount(CompareView, { props: { runIds: [1, 2] }, attachTo: document.body });
    await flushPromises();
    await view.find('[data-testid="compare-add-panel"]').setValue('maxAbsDiffAnalytic');
    await flushPromises();
    expect(view.find('[data-panel="compare-1"]').exists()).toBe(true);
    const asked = backend.calls.filter((c) => c.channel === 'runs:metrics').map((c) => (c.request as { names: string[] }).names).flat();
    expect(asked).toEqual(expect.arrayContaining(['loss', 'maxAbsDiffAnalytic']));
    // A new layout (linear y) draws the option afresh, with the metrics loaded by now.
    await view.find('[data-panel="compare-1"] input[type="checkbox"]').setValue(false);
    await flushPromises();
    const charts = view.findAllComponents({ name: 'VChart' });
    expect(new Set(charts.map((c) => c.attributes('group'))).size).toBe(1);
    const series = (charts[1].props('option') as { series: { id: string; color?: string; data: [number, number][] }[] }).series;
    const bounds = series.filter((s) => s.id.startsWith('mark-y-'));
    expect(bounds.map((s) => [s.data[0][1], s.color])).toEqual([
      [0.02, '#4e79a7'],
      [0.005, '#f28e2b'],
    ]);
    // The first panel (loss) draws no bound.
    expect((charts[0].props('option') as { series: { id: string }[] }).series.some((s) => s.id.startsWith('mark-y-'))).toBe(false);
    expect(view.find('[data-testid="step-readout"]').exists()).toBe(true);
    view.unmount();
  });

  it('tabulates the runs with the config values they differ in and their summaries, sortable', async () => {
    const view = await open([runRecord(1, { summary: { finalLoss: 0.3 } }), runRecord(2, { summary: { finalLoss: 0.1 } })]);
    await view.find('[data-testid="mode-summary"]').trigger('click');
    await flushPromises();
    const table = view.find('[data-testid="summary-table"]');
    const headers = table.findAll('thead th').map((th) => th.text());
    expect(headers.slice(0, 2)).toEqual(['run', 'model.width']);
    expect(headers).toContain('final loss');
    const ids = () => table.findAll('tbody tr').map((tr) => tr.attributes('data-run-id'));
    expect(ids()).toEqual(['1', '2']);
    await table.findAll('thead button.sort').find((b) => b.text() === 'final loss')!.trigger('click');
    expect(ids()).toEqual(['2', '1']);
    expect(table.find('tbody tr').findAll('td')[0].text()).toBe('128');
    view.unmount();
  });
});

describe('CompareView metric picker', () => {
  it('offers the dynamics gaps of runs that recorded them, labelled in the paper notation', async () => {
    const base = runRecord(3);
    const withDynamics = runRecord(3, { config: { ...base.config, ntk: { circleSweep: 21 }, dynamics: { analytic: true, linearised: false, kernel0: false } } });
    const view = await open([runRecord(2), withDynamics]);
    const options = view.findAll('[data-testid="compare-y"] option').map((o) => [o.attributes('value'), o.text()]);
    expect(options.filter(([value]) => value?.startsWith('gap'))).toEqual([
      ['gapAnalytic', 'max_i |f_t(x_i) − f^ntk_t(x_i)|'],
      ['gapAnalyticTest', 'max_x |f_t(x) − f^ntk_t(x)| (test)'],
    ]);
    view.unmount();
  });
});
