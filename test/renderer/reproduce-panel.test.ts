// The project's Reproduce entry in happy-dom against a scripted backend: once opened it asks for the chosen experiment's figure,
// starts its runs, and redraws the panels (as images) and the comparison when one of its runs finishes.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ReproducePanelsDto } from '../../src-main/contract/api';
import ReproducePanel from '../../src-renderer/src/components/ReproducePanel.vue';
import { installBackend } from '../../src-renderer/src/services/backend';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>';

describe('ReproducePanel', () => {
  it('starts the experiment and shows its panels as they fill in', async () => {
    let done = 0;
    const figure = (): ReproducePanelsDto => ({
      experiment: 'contrast',
      title: 'Contrast',
      total: 2,
      done,
      panels: Array.from({ length: done }, (_, i) => ({ id: `p${i}`, title: `panel ${i}`, hint: 'hint', svg })),
      comparisons: done > 0 ? [{ quantity: 'MSE final drift', measured: '6x', paper: 'falls with width' }] : [],
      note: done < 2 ? `${done} of 2 runs finished` : null,
    });
    const runs = [runRecord(21, { tags: ['reproduce:contrast'] }), runRecord(22, { tags: ['reproduce:contrast'] })];
    const backend = fakeBackend({ 'reproduce:panels': () => figure(), 'reproduce:start': () => runs, 'runs:list': () => runs });
    installBackend(backend);
    const panel = mount(ReproducePanel, { props: { projectId: 1 }, attachTo: document.body });
    await flushPromises();
    // Closed, it asks the host for nothing.
    expect(backend.calls.some((c) => c.channel === 'reproduce:panels')).toBe(false);
    (panel.element as HTMLDetailsElement).open = true;
    await panel.trigger('toggle');
    await flushPromises();
    await panel.find('[data-testid="reproduce-experiment"]').setValue('contrast');
    await flushPromises();
    expect(panel.text()).toContain('0 of 2 runs finished');
    expect(panel.findAll('img')).toHaveLength(0);
    await panel.find('[data-testid="reproduce-start"]').trigger('click');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'reproduce:start')?.request).toEqual({ projectId: 1, experiment: 'contrast', scale: 'small' });
    done = 1;
    backend.emit('runs:status', { runId: 21, status: 'done', error: null });
    await flushPromises();
    const images = panel.findAll('img');
    expect(images).toHaveLength(1);
    expect(images[0].attributes('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(panel.text()).toContain('MSE final drift');
    panel.unmount();
  });
});
