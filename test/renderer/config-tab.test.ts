// The run's "Config & notes" tab lists an import run's seconds per stage from its summary, and nothing for a run without.
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ConfigTab from '../../src-renderer/src/components/run/ConfigTab.vue';
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
