// Components and views in happy-dom against a scripted backend (charts stubbed in setup-dom.ts): the runs
// table's sorting, filtering, selection and keys; the New-run form's presets, inline checks, memory estimate, the
// server's config/invalid lines on their fields, and start; project creation and deletion; the run view's panels and
// cancel, and its Dynamics panel; the kernels tab's on-demand circle sweep; the kernel heatmaps' step slider; the status line.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import CircleSweepChart from '../../src-renderer/src/charts/CircleSweepChart.vue';
import KernelHeatmaps from '../../src-renderer/src/charts/KernelHeatmaps.vue';
import MetricChart from '../../src-renderer/src/charts/MetricChart.vue';
import KernelsTab from '../../src-renderer/src/components/run/KernelsTab.vue';
import RunsTable from '../../src-renderer/src/components/RunsTable.vue';
import OptionalNumberInput from '../../src-renderer/src/components/OptionalNumberInput.vue';
import ProgressBar from '../../src-renderer/src/components/ProgressBar.vue';
import StatusLine from '../../src-renderer/src/components/StatusLine.vue';
import { estimateRunMemory, formatBytes, type MemoryEstimate } from '../../src-main/contract/run-memory';
import { configFromDraft, defaultDraft } from '../../src-renderer/src/lib/run-config-form';
import { runRow } from '../../src-renderer/src/lib/run-row';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useAppStore } from '../../src-renderer/src/stores/app';
import { useNavigationStore } from '../../src-renderer/src/stores/navigation';
import NewRunView from '../../src-renderer/src/views/NewRunView.vue';
import ProjectsView from '../../src-renderer/src/views/ProjectsView.vue';
import RunView from '../../src-renderer/src/views/RunView.vue';
import { fakeBackend } from './fake-backend';
import { listItem, runRecord } from './records';

const rows = [runRow(listItem(runRecord(1)), runRecord(1)), runRow(listItem(runRecord(2, { tags: ['sweep'] })), runRecord(2)), runRow(listItem(runRecord(3)), runRecord(3))];

describe('RunsTable', () => {
  const mountTable = (filter = '') =>
    mount(RunsTable, { props: { rows, filter, progress: new Map(), selected: [], 'onUpdate:selected': () => {} }, attachTo: document.body });

  it('sorts by a header, again to reverse', async () => {
    const table = mountTable();
    const ids = () => table.findAll('tbody tr').map((tr) => tr.attributes('data-run-id'));
    expect(ids()).toEqual(['3', '2', '1']);
    const width = table.findAll('th button.sort').find((b) => b.text().startsWith('Width'))!;
    await width.trigger('click');
    expect(ids()).toEqual(['1', '2', '3']);
    await width.trigger('click');
    expect(ids()).toEqual(['3', '2', '1']);
    table.unmount();
  });

  it('filters, selects with Space and opens with Enter', async () => {
    const selections: number[][] = [];
    const table = mount(RunsTable, { props: { rows, filter: 'tag:sweep', progress: new Map(), selected: [], 'onUpdate:selected': (s: number[]) => selections.push(s) } });
    expect(table.findAll('tbody tr')).toHaveLength(1);
    const row = table.find('tbody tr');
    await row.trigger('keydown', { key: ' ' });
    expect(selections.at(-1)).toEqual([2]);
    await row.trigger('keydown', { key: 'Enter' });
    expect(table.emitted('open')?.[0]).toEqual([2]);
    await table.setProps({ filter: 'nothing-matches' });
    expect(table.text()).toContain('No run matches');
  });
});

describe('NewRunView', () => {
  const mountForm = (backend: ReturnType<typeof fakeBackend>) => {
    installBackend(backend);
    return mount(NewRunView, { props: { projectId: 1 }, attachTo: document.body });
  };
  const project = { id: 1, name: 'P', notes: '', created: 0, updated: 0, runCount: 0 };

  it('fills the form from a preset and starts the run', async () => {
    const backend = fakeBackend({ 'projects:list': () => [project], 'runs:start': ({ projectId }) => runRecord(11, { projectId }) });
    const form = mountForm(backend);
    await form.find('[data-preset="fig1-small"]').trigger('click');
    expect((form.find('[data-testid="field-width"]').element as HTMLInputElement).value).toBe('256');
    expect((form.find('[data-testid="field-steps"]').element as HTMLInputElement).value).toBe('2000');
    await form.find('form').trigger('submit');
    await flushPromises();
    const start = backend.calls.find((c) => c.channel === 'runs:start');
    expect(start?.request).toMatchObject({ projectId: 1, config: { steps: 2000, model: { width: 256, depth: 3 }, ntk: { circleSweep: 101 } } });
    expect(useNavigationStore().route).toEqual({ name: 'run', runId: 11 });
    form.unmount();
  });

  it('marks bad fields inline and sends nothing', async () => {
    const backend = fakeBackend({ 'projects:list': () => [project] });
    const form = mountForm(backend);
    await form.find('[data-testid="field-width"]').setValue('0');
    await form.find('form').trigger('submit');
    await nextTick();
    expect(form.find('[data-path="model.width"]').text()).toContain('must be from 1');
    expect(form.find('[data-testid="field-width"]').attributes('aria-invalid')).toBe('true');
    expect(backend.calls.some((c) => c.channel === 'runs:start')).toBe(false);
    form.unmount();
  });

  it("puts the server's config/invalid lines on the fields they name", async () => {
    const message = 'config is not a valid run config:\n  optimizer.lr: Too big: expected number to be <=10000\n  somewhere.else: odd';
    const backend = fakeBackend({ 'projects:list': () => [project], 'runs:start': () => ({ ok: false, code: 'config/invalid', message }) });
    const form = mountForm(backend);
    await form.find('form').trigger('submit');
    await flushPromises();
    expect(form.find('[data-path="optimizer.lr"]').text()).toContain('Too big');
    expect(form.text()).toContain('somewhere.else: odd');
    expect(useNavigationStore().route.name).toBe('projects');
    form.unmount();
  });

  it('shows the memory estimate as the user types, and the server refusal of a run that does not fit', async () => {
    const message = 'this run needs about 256.0 GiB of memory (...), but 21.5 GiB is available on this host; use a smaller width';
    const backend = fakeBackend({ 'projects:list': () => [project], 'runs:start': () => ({ ok: false, code: 'train/insufficient-memory', message }) });
    const form = mountForm(backend);
    const estimateOf = (width: number): MemoryEstimate => {
      const draft = defaultDraft();
      draft.model.width = width;
      return estimateRunMemory(configFromDraft(draft)) as MemoryEstimate;
    };
    const shown = () => form.find('[data-testid="model-estimate"]');
    expect(shown().text()).toContain(`needs about ${formatBytes(estimateOf(256).bytes)} of memory`);
    expect(shown().text()).toContain(`${estimateOf(256).paramCount.toLocaleString('en')} trained parameters`);
    await form.find('[data-testid="field-width"]').setValue('65536');
    expect(shown().text()).toContain(`needs about ${formatBytes(estimateOf(65_536).bytes)} of memory`);
    expect(shown().text()).toContain('8,590,131,200 trained parameters');
    await form.find('[data-testid="field-width"]').setValue('');
    expect(shown().exists()).toBe(false);
    await form.find('[data-testid="field-width"]').setValue('65536');
    await form.find('form').trigger('submit');
    await flushPromises();
    expect(form.text()).toContain(message);
    expect(useNavigationStore().route.name).not.toBe('run');
    form.unmount();
  });

  it('starts one run per sweep value with a shared tag', async () => {
    const started: unknown[] = [];
    const backend = fakeBackend({
      'projects:list': () => [project],
      'runs:start': (request) => {
        started.push(request);
        return runRecord(20 + started.length);
      },
    });
    const form = mountForm(backend);
    await form.find('[data-preset="fig2"]').trigger('click');
    expect(form.find('[data-testid="start-run"]').text()).toBe('Start 3 runs');
    await form.find('form').trigger('submit');
    await flushPromises();
    expect(started.map((r) => (r as { config: { model: { width: number } } }).config.model.width)).toEqual([200, 1000, 2000]);
    expect(new Set(started.map((r) => (r as { tags: string[] }).tags[0])).size).toBe(1);
    expect(started.map((r) => (r as { tags: string[] }).tags.slice(1))).toEqual([['axis:model.width=200'], ['axis:model.width=1000'], ['axis:model.width=2000']]);
    expect(useNavigationStore().route).toEqual({ name: 'project', projectId: 1 });
    form.unmount();
  });
  it('exports the sweep for Slurm as a spec the host expands the same way, and shows the script and commands', async () => {
    const requests: unknown[] = [];
    const backend = fakeBackend({
      'projects:list': () => [project],
      'sweeps:export-slurm': (request) => {
        requests.push(request);
        return { dir: '/ws/exports/sweep-x', files: ['/ws/exports/sweep-x/spec.json', '/ws/exports/sweep-x/sweep.sbatch'], script: '#!/bin/bash\n#SBATCH --array=0-5%6', runs: 6, tasks: 6, commands: ['scp -r /ws/exports/sweep-x CLUSTER:'] };
      },
    });
    const form = mountForm(backend);
    await form.find('[data-preset="ce-vs-mse"]').trigger('click');
    await form.find('[data-testid="export-slurm"]').trigger('click');
    await flushPromises();
    expect(requests).toHaveLength(1);
    const { spec, slurm } = requests[0] as { spec: { name: string; axes: Record<string, unknown>; seeds?: number[]; base: { model: { width: number } } }; slurm: object };
    expect(spec.name).toBe('CE vs MSE width sweep');
    expect(spec.axes).toEqual({ 'model.width': [64, 256, 1024], 'loss.kind': ['bce', 'mse'] });
    expect(spec.seeds).toBeUndefined();
    expect(slurm).toEqual({});
    expect(form.find('[data-testid="slurm-bundle"]').text()).toContain('6 runs in 6 array tasks');
    expect(form.find('[data-testid="slurm-bundle"]').text()).toContain('#SBATCH --array=0-5%6');
    form.unmount();
  });
});

describe('ProjectsView', () => {
  it('creates a project and opens it; deletes only after confirmation', async () => {
    const list = [{ id: 4, name: 'Old', notes: '', created: 0, updated: 1, runCount: 2 }];
    const backend = fakeBackend({
      'projects:list': () => list,
      'projects:create': ({ name }) => ({ id: 5, name, notes: '', created: 0, updated: 2, runCount: 0 }),
      'projects:delete': () => ({ deleted: true }),
    });
    installBackend(backend);
    const view = mount(ProjectsView, { attachTo: document.body });
    await flushPromises();
    expect(view.find('[data-project-id="4"]').text()).toContain('Old');
    await view.find('[data-testid="new-project"]').trigger('click');
    await view.find('[data-testid="project-name"]').setValue('Fig. 1');
    await view.find('form.create').trigger('submit');
    await flushPromises();
    expect(useNavigationStore().route).toEqual({ name: 'project', projectId: 5 });

    await view.find('[data-project-id="4"] button.danger').trigger('click');
    await nextTick();
    expect(backend.calls.some((c) => c.channel === 'projects:delete')).toBe(false);
    expect(view.find('dialog').text()).toContain('2 run(s)');
    await view.find('dialog form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'projects:delete')?.request).toEqual({ id: 4 });
    view.unmount();
  });
});

describe('RunView', () => {
  it('shows a panel per recorded quantity and cancels a running run', async () => {
    const running = runRecord(9, { status: 'running', summary: null, config: { steps: 100, model: { arch: 'fcn', depth: 3, width: 256 }, loss: { kind: 'bce' }, optimizer: { kind: 'gd', lr: 0.1 }, data: { kind: 'circle', n: 6 }, ntk: { analytic: 'derived' } } });
    const s = { steps: [0, 1], wallTimes: [0, 0], values: [1, 0.9] };
    const backend = fakeBackend({
      'projects:list': () => [],
      'runs:subscribe': () => ({ run: running, series: { loss: s, 'outputs/0/0': s, maxAbsDiffAnalytic: s, relDrift: s }, lastStep: 1, progress: { runId: 9, step: 1, total: 100, loss: 0.9, elapsedSeconds: 1, etaSeconds: 99 } }),
      'runs:kernels': () => [],
      'runs:cancel': () => runRecord(9, { status: 'cancelled' }),
    });
    installBackend(backend);
    const view = mount(RunView, { props: { runId: 9 }, attachTo: document.body });
    await flushPromises();
    const panels = view.findAll('[data-panel]').map((p) => p.attributes('data-panel'));
    expect(panels).toEqual(['loss', 'outputs', 'analytic', 'drift']);
    expect(view.find('[data-panel="analytic"]').text()).toContain('drawn once the run has finished');
    expect(view.find('[data-testid="progress"]').text()).toContain('ETA');
    await view.find('[data-testid="cancel-run"]').trigger('click');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'runs:cancel')?.request).toEqual({ id: 9 });
    expect(view.find('[data-testid="run-status"]').text()).toBe('cancelled');
    view.unmount();
    expect(backend.listenerCount('runs:metrics')).toBe(0);
  });
});

describe('RunView Dynamics panel', () => {
  it('plots the recorded dynamics gaps against log10 t, on a log y axis, labelled in the paper notation', async () => {
    const config = { steps: 100, model: { arch: 'fcn', depth: 3, width: 256 }, loss: { kind: 'bce' }, optimizer: { kind: 'gd', lr: 0.1 }, data: { kind: 'circle', n: 6 }, dynamics: { analytic: true, linearised: true, kernel0: false } };
    const s = { steps: [0, 10, 100], wallTimes: [0, 0, 0], values: [0, 0.02, 0.2] };
    const backend = fakeBackend({
      'projects:list': () => [],
      'runs:subscribe': () => ({ run: runRecord(12, { status: 'done', config }), series: { loss: s, gapAnalytic: s, gapAnalyticTest: s, gapLinear: s }, lastStep: 100, progress: null }),
      'runs:kernels': () => [],
    });
    installBackend(backend);
    const view = mount(RunView, { props: { runId: 12 }, attachTo: document.body });
    await flushPromises();
    expect(view.findAll('[data-panel]').map((p) => p.attributes('data-panel'))).toEqual(['loss', 'dynamics']);
    const panel = view.find('[data-panel="dynamics"]');
    expect(panel.text()).toContain('Dynamics');
    const chart = panel.findComponent(MetricChart);
    expect(chart.props('xMode')).toBe('log10');
    expect(chart.props('yLog')).toBe(true);
    expect(chart.props('lines')).toEqual([
      { metric: 'gapAnalytic', label: 'max_i |f_t(x_i) − f^ntk_t(x_i)|' },
      { metric: 'gapAnalyticTest', label: 'max_x |f_t(x) − f^ntk_t(x)| (test)' },
      { metric: 'gapLinear', label: 'max_i |f_t(x_i) − f^lin_t(x_i)|' },
    ]);
    view.unmount();
  });
});

describe('ProgressBar', () => {
  it('shows the ETA the run sends, "estimating..." until it is known, and none once the run has ended', async () => {
    const progress = { runId: 1, step: 4, total: 2000, loss: 0.6, elapsedSeconds: 1.5, etaSeconds: null };
    const bar = mount(ProgressBar, { props: { progress, status: 'running' } });
    expect(bar.find('[data-testid="eta"]').text()).toBe('ETA estimating...');
    await bar.setProps({ progress: { ...progress, step: 40, etaSeconds: 7.4 } });
    expect(bar.find('[data-testid="eta"]').text()).toBe('ETA 7s');
    await bar.setProps({ status: 'done' });
    expect(bar.find('[data-testid="eta"]').exists()).toBe(false);
    bar.unmount();
  });
});

describe('KernelsTab', () => {
  it('fetches the analytic circle sweep on demand (runs:sweep) for the circle chart', async () => {
    const analytic = [3, 2.5, 3];
    const backend = fakeBackend({ 'runs:sweep': ({ id }) => (id === 4 ? { phis: [-Math.PI, 0, Math.PI], analytic } : null) });
    installBackend(backend);
    const props = { run: runRecord(4, { status: 'done' }), runId: 4, active: false, kernels: [], error: null, snapshot: async () => Promise.reject(new Error('unused')), xMode: 'step' as const };
    const view = mount(KernelsTab, { props });
    await flushPromises();
    expect(backend.calls.filter((c) => c.channel === 'runs:sweep').map((c) => c.request)).toEqual([{ id: 4 }]);
    expect(view.findComponent(CircleSweepChart).props('analytic')).toEqual(analytic);
    await view.setProps({ run: runRecord(5, { status: 'done' }), runId: 5 });
    await flushPromises();
    expect(view.findComponent(CircleSweepChart).props('analytic')).toBeNull();
    view.unmount();
  });
});

describe('KernelHeatmaps', () => {
  it('shows K_0, K_t and their difference for the step the slider picks', async () => {
    const kernels = [0, 10, 100].map((step) => ({ step, kind: 'full' as const, rows: 2, cols: 2, hasData: true }));
    const requested: number[] = [];
    const snapshot = async (step: number) => {
      requested.push(step);
      const data = Float64Array.from([1, 0, 0, 1].map((v) => v * (1 + step / 100)));
      return { step, kind: 'full' as const, rows: 2, data, size: 2, downsampled: 1, eigenvalues: null, sweep: null };
    };
    const view = mount(KernelHeatmaps, { props: { kernels, snapshot, live: false, filename: 'run' } });
    await flushPromises();
    expect(view.find('[data-testid="kernel-step"]').text()).toBe('100');
    expect(view.text()).toContain('max |·| 1');
    const slider = view.find('[data-testid="kernel-step-slider"]');
    await slider.setValue('1');
    await flushPromises();
    expect(view.find('[data-testid="kernel-step"]').text()).toBe('10');
    expect(view.text()).toContain('max |·| 0.1');
    expect(new Set(requested)).toEqual(new Set([0, 10, 100]));
  });

  it('explains when the run stored no matrices', () => {
    const view = mount(KernelHeatmaps, { props: { kernels: [{ step: 0, kind: 'full', rows: 2, cols: 2, hasData: false }], snapshot: async () => { throw new Error('unused'); }, live: false, filename: 'run' } });
    expect(view.text()).toContain('saveKernels');
  });
});

describe('StatusLine', () => {
  it('shows transport, backend and workspace from app:info', async () => {
    installBackend(fakeBackend({ 'app:info': () => ({ version: '0.1.0', workspace: '/data/ws', backend: { name: 'wasm', tfjsVersion: '4.22.0' }, transport: 'web', jobConcurrency: 1, memory: { free: 2 ** 33, total: 2 ** 34 } }) }));
    const app = useAppStore();
    const view = mount(StatusLine);
    await app.connect();
    await nextTick();
    expect(view.text()).toContain('web bridge');
    expect(view.text()).toContain('backend: wasm (tfjs 4.22.0)');
    expect(view.text()).toContain('/data/ws');
    expect(view.text()).toContain('live');
  });
});

describe('OptionalNumberInput', () => {
  it('models a number, null when blank, and passes its attributes to the input', async () => {
    const updates: (number | null | undefined)[] = [];
    const view = mount(OptionalNumberInput, { props: { modelValue: null, 'onUpdate:modelValue': (v: number | null | undefined) => updates.push(v) }, attrs: { id: 'seed', min: '0' } });
    const input = view.find('input');
    expect(input.attributes()).toMatchObject({ id: 'seed', min: '0', type: 'number' });
    expect((input.element as HTMLInputElement).value).toBe('');
    await input.setValue('7');
    await input.setValue('');
    expect(updates).toEqual([7, null]);
    await view.setProps({ modelValue: 3 });
    expect((input.element as HTMLInputElement).value).toBe('3');
  });
});
