// The Import view's dataset-scale kernel option: the budget field starts from the host's free memory (app:info),
// a budget that is not a size ("2XB") or a block size that is not a count is refused as it is typed with the
// contract's message and nothing is sent, a good one goes out as `blocked`; and the run view's kernel-file panel
// lists the files, offers Resume only for a run that ended unfinished, and downloads a file through exports/.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { KernelFileDto } from '../../src-main/contract/api';
import { rankSpectrumOption } from '../../src-main/charts/kernel-options';
import { memoryBudgetProblem } from '../../src-main/contract/run-memory';
import KernelFilesPanel from '../../src-renderer/src/components/run/KernelFilesPanel.vue';
import { checkImportDraft, defaultImportDraft, defaultMemoryBudget, importRequestFromDraft } from '../../src-renderer/src/lib/import-form';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useNavigationStore } from '../../src-renderer/src/stores/navigation';
import ImportView from '../../src-renderer/src/views/ImportView.vue';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

const project = { id: 1, name: 'P', notes: '', created: 0, updated: 0, runCount: 0 };
const info = { version: '0', workspace: '/ws', backend: null, transport: 'web' as const, jobConcurrency: 1, memory: { free: 8 * 2 ** 30, total: 16 * 2 ** 30 } };

describe('blocked kernel form', () => {
  it('checks the budget with the contract rule and builds the blocked request', () => {
    const draft = { ...defaultImportDraft(), models: '/m/a-0.onnx', blocked: true, memory: '2XB' };
    expect(checkImportDraft(draft).memory).toEqual([memoryBudgetProblem('2XB')]);
    expect(checkImportDraft(draft).memory?.[0]).toContain('"2XB" is not a memory size');
    expect(checkImportDraft({ ...draft, memory: '512' }).memory?.[0]).toContain('at least 1 MiB');
    expect(checkImportDraft({ ...draft, memory: '', blockSize: '0' }).blockSize?.[0]).toContain('whole number');
    expect(checkImportDraft({ ...draft, memory: '1.5GiB', blockSize: '64' })).toEqual({});
    // Off, the fields are not checked and not sent.
    expect(checkImportDraft({ ...draft, blocked: false })).toEqual({});
    expect(importRequestFromDraft(1, { ...draft, blocked: false })).not.toHaveProperty('blocked');
    expect(importRequestFromDraft(1, { ...draft, memory: ' 2GB ', blockSize: '50' })).toMatchObject({ blocked: { memory: '2GB', blockSize: 50 } });
    expect(importRequestFromDraft(1, { ...draft, memory: '', blockSize: '' })).toMatchObject({ blocked: {} });
    expect(defaultMemoryBudget(8 * 2 ** 30)).toBe('6144MiB');
  });

  it('prefills the budget from the host, refuses "2XB" as typed, and starts a blocked import', async () => {
    const backend = fakeBackend({ 'projects:list': () => [project], 'app:info': () => info, 'imports:start': ({ projectId }) => runRecord(40, { projectId, kind: 'import', status: 'queued' }) });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await flushPromises();
    expect(view.find('[data-testid="import-memory"]').exists()).toBe(false);
    await view.find('[data-testid="import-blocked-kernel"]').setValue(true);
    const memory = view.find<HTMLInputElement>('[data-testid="import-memory"]');
    expect(memory.element.value).toBe('6144MiB');
    expect(view.find('[data-path="memory"]').text()).toContain('8.0 GiB free');
    await memory.setValue('2XB');
    expect(view.find('[data-path="memory"]').text()).toContain('"2XB" is not a memory size');
    expect(memory.attributes('aria-invalid')).toBe('true');
    await view.find('[data-testid="import-models"]').setValue('/m/a-0.onnx');
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.some((c) => c.channel === 'imports:start')).toBe(false);
    await memory.setValue('2GB');
    await view.find('[data-testid="import-block-size"]').setValue('25');
    expect(view.find('[data-path="memory"]').text()).not.toContain('not a memory size');
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:start')?.request).toMatchObject({ models: ['/m/a-0.onnx'], blocked: { memory: '2GB', blockSize: 25 } });
    expect(useNavigationStore().route).toEqual({ name: 'run', runId: 40 });
    view.unmount();
  });
});

describe('kernel files panel', () => {
  it('draws each file\'s top eigenvalues against their rank, positive ones on the log axis', () => {
    const option = rankSpectrumOption([{ step: 0, eigenvalues: [9, 4, 1, 0] }, { step: 50, eigenvalues: [8, 3] }, { step: 60, eigenvalues: null }]);
    const series = option.series as { name: string; data: [number, number][] }[];
    expect(series.map((s) => s.name)).toEqual(['step 0', 'step 50']);
    expect(series[0].data).toEqual([[1, 9], [2, 4], [3, 1]]);
    expect((option.yAxis as { type: string }).type).toBe('log');
  });

  const file: KernelFileDto = {
    step: 0,
    path: '/ws/kernels/run-7/step-0.npy',
    shape: [1000, 1000],
    dtype: 'float64',
    bytes: 8_000_128,
    blockSize: 25,
    blocks: { done: 12, total: 820 },
    complete: false,
    seconds: 1.5,
  };
  const config = { models: ['/m/a-0.onnx'], probe: 'mnist:1000', kernel: 'trace', blocked: { blockSize: 25 } };

  it('offers Resume for a cancelled run, which opens the new run', async () => {
    const backend = fakeBackend({ 'imports:resume': ({ id }) => runRecord(8, { kind: 'import', status: 'queued', sourceRunId: id, config }) });
    installBackend(backend);
    const run = runRecord(7, { kind: 'import', status: 'cancelled', config, summary: { kernelFiles: [file] } });
    const view = mount(KernelFilesPanel, { props: { run } });
    expect(view.find('[data-testid="kernel-file-0"]').text()).toContain('12 / 820 (unfinished)');
    expect(view.find('[data-testid="kernel-file-0"]').text()).toContain('1000 × 1000 float64');
    await view.find('[data-testid="resume-run"]').trigger('click');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:resume')?.request).toEqual({ id: 7 });
    expect(useNavigationStore().route).toEqual({ name: 'run', runId: 8 });
    const done = mount(KernelFilesPanel, { props: { run: runRecord(9, { kind: 'import', status: 'done', config, summary: { kernelFiles: [{ ...file, complete: true }] } }) } });
    expect(done.find('[data-testid="resume-run"]').exists()).toBe(false);
  });

  it('shows lambda_min with its Ritz residual on hover, and no residual for a sidecar written before them', () => {
    installBackend(fakeBackend({}));
    const spectrum = { lambdaMax: 3, lambdaMin: 0.1, top: [3, 2, 1], method: 'block-lanczos', passes: 5, seconds: 0.2 };
    const files = [
      { ...file, complete: true, spectrum: { ...spectrum, lambdaMinResidual: 0.0042, lambdaMaxResidual: 1e-9 } },
      { ...file, step: 50, complete: true, spectrum },
    ];
    const view = mount(KernelFilesPanel, { props: { run: runRecord(12, { kind: 'import', status: 'done', config, summary: { kernelFiles: files } }) } });
    const cells = (step: number) => view.findAll(`[data-testid="kernel-file-${step}"] td`);
    const withResidual = cells(0).find((td) => td.text() === '0.1');
    const without = cells(50).find((td) => td.text() === '0.1');
    expect(withResidual?.attributes('title')).toMatch(/an eigenvalue lies within 0\.0042/);
    expect(without?.exists()).toBe(true);
    expect(without?.attributes('title')).toBeUndefined();
    view.unmount();
  });

  it('lists the files of a running run from the host, as their sidecars say, and refreshes them', async () => {
    vi.useFakeTimers();
    let done = 3;
    const backend = fakeBackend({ 'imports:kernel-files': ({ id }) => (id === 11 ? [{ ...file, blocks: { done: done++, total: 820 } }] : []) });
    installBackend(backend);
    const view = mount(KernelFilesPanel, { props: { run: runRecord(11, { kind: 'import', status: 'running', config, summary: null }) } });
    await flushPromises();
    expect(view.find('[data-testid="kernel-file-0"]').text()).toContain('3 / 820');
    expect(view.find('[data-testid="download-kernel-0"]').attributes('disabled')).toBeDefined();
    await vi.advanceTimersByTimeAsync(2100);
    await flushPromises();
    expect(view.find('[data-testid="kernel-file-0"]').text()).toContain('4 / 820');
    view.unmount();
    const calls = backend.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(backend.calls.length).toBe(calls);
    vi.useRealTimers();
  });

  it('downloads a kernel file through exports/ and downloads:read', async () => {
    const bytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    const backend = fakeBackend({
      'imports:kernel-export': () => ({ path: '/ws/exports/k.npy', bytes: bytes.length }),
      'downloads:read': ({ offset }) => ({ data: btoa(String.fromCharCode(...bytes.subarray(offset))), bytes: bytes.length }),
    });
    installBackend(backend);
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const run = runRecord(9, { name: 'drift A', kind: 'import', status: 'done', config, summary: { kernelFiles: [{ ...file, complete: true, spectrum: { lambdaMax: 3, lambdaMin: 0.1, top: [3, 2, 1], method: 'block-lanczos', passes: 4, seconds: 0.2 } }] } });
    const view = mount(KernelFilesPanel, { props: { run } });
    await view.find('[data-testid="download-kernel-0"]').trigger('click');
    await flushPromises();
    expect(backend.calls.map((c) => c.channel).filter((c) => c !== 'imports:kernel-files')).toEqual(['imports:kernel-export', 'downloads:read']);
    expect(clicked).toHaveBeenCalledOnce();
    expect(view.find('[data-testid="kernel-download-status"]').text()).toContain('drift-a-step-0.npy');
    clicked.mockRestore();
  });
});
