// The run's "Config & notes" tab lists an import run's seconds per stage from its summary, and nothing for a run
// without; a run made with "run again with changes" lists what it changed from its parent.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ConfigTab from '../../src-renderer/src/components/run/ConfigTab.vue';
import { configChanges } from '../../src-main/charts/config-paths';
import { installBackend } from '../../src-renderer/src/services/backend';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

describe('ConfigTab timings', () => {
  it('shows each stage with its seconds when the summary has timings', () => {
    const timings = { read: 0.25, translate: 0.5, check: 0.125, kernel: 2, spectrum: 0.0625, write: 0 };
    const tab = mount(ConfigTab, { props: { run: runRecord(1, { kind: 'import', summary: { timings } }), busy: false, notes: '' } });
    const list = tab.get('[aria-label="Seconds per stage"]');
    expect(list.findAll('dt').map((d) => d.text())).toEqual(Object.keys(timings));
    expect(list.findAll('dd').map((d) => d.text())).toEqual(['0.250 s', '0.500 s', '0.125 s', '2.000 s', '0.063 s', '0.000 s']);
    tab.unmount();
  });

  it('shows no timings for a run whose summary has none', () => {
    const tab = mount(ConfigTab, { props: { run: runRecord(2, { summary: { finalLoss: 0.1 } }), busy: false, notes: '' } });
    expect(tab.find('[aria-label="Seconds per stage"]').exists()).toBe(false);
    tab.unmount();
  });
});

describe('ConfigTab lineage', () => {
  it('lists each config path the run changed from the run it was run again from', async () => {
    const parent = runRecord(1);
    const child = runRecord(3, { sourceRunId: 1, config: { ...(parent.config as object), steps: 400, optimizer: { lr: 0.5 } } });
    installBackend(fakeBackend({ 'runs:get': ({ id }) => (id === 1 ? parent : child) }));
    const tab = mount(ConfigTab, { props: { run: child, busy: false, notes: '' } });
    await flushPromises();
    const items = tab.findAll('[data-testid="parent-diff"] li').map((li) => li.text());
    expect(items).toEqual(['optimizer.lr: 0.1 → 0.5', 'steps: 100 → 400']);
    tab.unmount();
  });

  it('says so when nothing in the config changed, and shows no list for a run without a parent', async () => {
    const parent = runRecord(1);
    installBackend(fakeBackend({ 'runs:get': () => parent }));
    const same = mount(ConfigTab, { props: { run: runRecord(2, { sourceRunId: 1, config: parent.config }), busy: false, notes: '' } });
    await flushPromises();
    expect(same.find('[data-testid="parent-diff"]').text()).toBe('nothing in the config');
    same.unmount();
    const alone = mount(ConfigTab, { props: { run: parent, busy: false, notes: '' } });
    await flushPromises();
    expect(alone.find('[data-testid="parent-diff"]').exists()).toBe(false);
    alone.unmount();
  });

  it('marks paths one side lacks', () => {
    expect(configChanges({ a: 1, b: { c: 2 } }, { a: 1, b: { d: 3 } })).toEqual([
      { path: 'b.c', before: '2', after: '∅' },
      { path: 'b.d', before: '∅', after: '3' },
    ]);
  });
});
