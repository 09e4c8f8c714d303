// The Compare view on a merged sweep: runs carrying axis:<path>=<value> tags open grouped by the sweep's axes other
// than the seed (seeds pooled into a band), and the axes together are the first grouping offered; runs with a dynamics
// block offer its gaps like any other metric.
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
