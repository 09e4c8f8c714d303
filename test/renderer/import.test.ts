// The Import view for ONNX checkpoint series: the imports:start request built from the form, dropped files (names
// only in a browser), the server's coded errors, and the run view's drift panels for a run of kind 'import'.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { appendModelLines, checkImportDraft, defaultImportDraft, droppedModelEntries, importRequestFromDraft, parseModelPaths } from '../../src-renderer/src/lib/import-form';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useNavigationStore } from '../../src-renderer/src/stores/navigation';
import ImportView from '../../src-renderer/src/views/ImportView.vue';
import RunView from '../../src-renderer/src/views/RunView.vue';
import { fakeBackend } from './fake-backend';
import { runRecord } from './records';

describe('import form', () => {
  it('builds the request from the form: one trimmed path a line, no blanks or repeats, name only when given', () => {
    const draft = { ...defaultImportDraft(), models: ' /m/step-0.onnx\n\n/m/step-10.onnx \r\n/m/step-0.onnx\n', kernel: 'full' as const };
    expect(importRequestFromDraft(4, draft)).toEqual({ projectId: 4, models: ['/m/step-0.onnx', '/m/step-10.onnx'], probe: 'mnist:64', kernel: 'full' });
    expect(importRequestFromDraft(4, { ...draft, name: '  drift A ', probe: ' /p/probe.json ' })).toMatchObject({ name: 'drift A', probe: '/p/probe.json' });
  });

  it('checks for models and a readable probe', () => {
    expect(checkImportDraft(defaultImportDraft())).toEqual({ models: [expect.stringContaining('at least one')] });
    expect(checkImportDraft({ ...defaultImportDraft(), models: 'a.onnx', probe: 'mnist:many' }).probe?.[0]).toContain('mnist:N');
    expect(checkImportDraft({ ...defaultImportDraft(), models: 'a.onnx', probe: 'mnist:32:7' })).toEqual({});
    expect(checkImportDraft({ ...defaultImportDraft(), models: 'a.onnx', probe: ' ' }).probe).toHaveLength(1);
  });

  it('takes paths from dropped files where the shell gives them, names otherwise, in natural order', () => {
    const named = (name: string, path?: string) => Object.assign(new File(['x'], name), path ? { path } : {});
    expect(droppedModelEntries([named('ckpt-10.onnx'), named('ckpt-2.onnx')])).toEqual({ lines: ['ckpt-2.onnx', 'ckpt-10.onnx'], namesOnly: true });
    expect(droppedModelEntries([named('a.onnx', '/x/a.onnx')])).toEqual({ lines: ['/x/a.onnx'], namesOnly: false });
    expect(appendModelLines('/x/a.onnx\n', ['/x/a.onnx', 'b.onnx'])).toBe('/x/a.onnx\nb.onnx');
    expect(parseModelPaths('')).toEqual([]);
  });
});

describe('ImportView', () => {
  const project = { id: 1, name: 'P', notes: '', created: 0, updated: 0, runCount: 0 };

  it('starts the import and opens its run', async () => {
    const backend = fakeBackend({ 'projects:list': () => [project], 'imports:start': ({ projectId }) => runRecord(31, { projectId, kind: 'import', status: 'queued' }) });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').setValue('/m/a-0.onnx\n/m/a-100.onnx');
    await view.find('[data-testid="import-kernel"]').setValue('full');
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:start')?.request).toEqual({ projectId: 1, models: ['/m/a-0.onnx', '/m/a-100.onnx'], probe: 'mnist:64', kernel: 'full' });
    expect(useNavigationStore().route).toEqual({ name: 'run', runId: 31 });
    view.unmount();
  });

  it('sends nothing without models, and shows server errors with their code', async () => {
    const backend = fakeBackend({ 'projects:list': () => [project], 'imports:start': () => ({ ok: false, code: 'onnx/shape-mismatch', message: 'probe shape [1,28,28] does not fit input [1,784]' }) });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(view.find('[data-path="models"]').text()).toContain('at least one');
    expect(backend.calls.some((c) => c.channel === 'imports:start')).toBe(false);
    await view.find('[data-testid="import-models"]').setValue('/m/x.onnx');
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(view.find('[role="alert"]').text()).toContain('onnx/shape-mismatch');
    expect(view.find('[role="alert"]').text()).toContain('does not fit input');
    expect(useNavigationStore().route.name).toBe('projects');
    view.unmount();
  });

  it('fills in the names of dropped files and says they must become host paths', async () => {
    installBackend(fakeBackend({ 'projects:list': () => [project] }));
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    const textarea = view.find('[data-testid="import-models"]');
    const files = [new File(['x'], 'step-20.onnx'), new File(['x'], 'step-3.onnx')];
    await textarea.trigger('drop', { dataTransfer: { files } });
    expect((textarea.element as HTMLTextAreaElement).value).toBe('step-3.onnx\nstep-20.onnx');
    expect(view.find('[data-testid="names-only"]').text()).toContain('full path');
    view.unmount();
  });
});

describe('RunView for an import', () => {
  it('shows the drift panels against checkpoint step and no kernels tab', async () => {
    const record = runRecord(40, { kind: 'import', status: 'done', summary: { checkpoints: 2, model: { paramCount: 1234 }, probe: { n: 64 } }, config: { models: ['/m/a-0.onnx', '/m/a-5.onnx'], probe: 'mnist:64', kernel: 'trace', keepSoftmax: false } });
    const s = { steps: [0, 5], wallTimes: [0, 0], values: [0, 0.1] };
    const names = ['paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'outputChange', 'maxAbsOutputChange', 'validation/maxAbsError'];
    installBackend(fakeBackend({ 'projects:list': () => [], 'runs:subscribe': () => ({ run: record, series: Object.fromEntries(names.map((n) => [n, s])), lastStep: 5, progress: null }), 'runs:kernels': () => [] }));
    const view = mount(RunView, { props: { runId: 40 }, attachTo: document.body });
    await flushPromises();
    expect(view.findAll('[data-panel]').map((p) => p.attributes('data-panel'))).toEqual(['drift', 'distance', 'norms', 'spectrum', 'output-change']);
    expect(view.find('[data-testid="tab-kernels"]').exists()).toBe(false);
    expect(view.text()).toContain('2 checkpoints · probe mnist:64 · trace kernel');
    expect(view.text()).not.toContain('Run again with changes');
    expect(view.find('[data-testid="progress"]').text()).toContain('2');
    view.unmount();
  });
});
