// The Import view for ONNX checkpoint series: the imports:start request built from the form, dropped files and
// folders (host paths from Electron, uploads from a browser), the first checkpoint's parameters with freeze boxes,
// the server's coded errors, and the run view's drift panels for a run of kind 'import'.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ImportInspectionDto } from '../../src-main/contract/api';
import { UPLOAD_CHUNK_BYTES } from '../../src-main/contract/api';
import { collectDroppedFiles, hostPathsOf } from '../../src-renderer/src/lib/dropped-files';
import { appendModelLines, checkImportDraft, defaultImportDraft, importRequestFromDraft, parseModelPaths } from '../../src-renderer/src/lib/import-form';
import { UPLOAD_CHUNK, uploadFiles } from '../../src-renderer/src/services/upload';
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

  it('reads checkpoint steps, checks them, and sends them only when given', () => {
    const draft = { ...defaultImportDraft(), models: 'a.onnx\nb.onnx' };
    expect(importRequestFromDraft(1, draft)).not.toHaveProperty('steps');
    expect(importRequestFromDraft(1, { ...draft, steps: ' 0, 100\n1000 ' })).toMatchObject({ steps: [0, 100, 1000] });
    expect(checkImportDraft({ ...draft, steps: '0, -5' }).steps?.[0]).toContain('non-negative integers');
    expect(checkImportDraft({ ...draft, steps: '0 1.5' }).steps).toHaveLength(1);
    expect(checkImportDraft({ ...draft, steps: '0 10 20' }, 2).steps?.[0]).toContain('3 steps for 2 checkpoint files');
    expect(checkImportDraft({ ...draft, steps: '0 10' }, 2)).toEqual({});
  });

  it('sends freeze and keepSoftmax only when set', () => {
    const draft = { ...defaultImportDraft(), models: 'a.onnx' };
    expect(importRequestFromDraft(1, draft)).not.toHaveProperty('freeze');
    expect(importRequestFromDraft(1, draft)).not.toHaveProperty('keepSoftmax');
    expect(importRequestFromDraft(1, { ...draft, freeze: ['fc1.weight'], keepSoftmax: true })).toMatchObject({ freeze: ['fc1.weight'], keepSoftmax: true });
    expect(appendModelLines('/x/a.onnx\n', ['/x/a.onnx', 'b.onnx'])).toBe('/x/a.onnx\nb.onnx');
    expect(parseModelPaths('')).toEqual([]);
  });
});

/** A FileSystemEntry tree like Chromium's, with readEntries answering in batches of `batch` then an empty one. */
function entryTree(name: string, children: Record<string, unknown>, batch = 2): unknown {
  const entries = Object.entries(children).map(([child, value]) =>
    value instanceof File ? { isFile: true, isDirectory: false, name: child, file: (ok: (f: File) => void) => ok(value) } : entryTree(child, value as Record<string, unknown>, batch),
  );
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok: (e: unknown[]) => void) => ok(entries.slice(at, (at += batch))) };
    },
  };
}
const fileItem = (entry: unknown) => ({ kind: 'file', webkitGetAsEntry: () => entry });

describe('dropped files', () => {
  it('walks a dropped folder (every readEntries batch) into relative paths in natural order', async () => {
    const tree = entryTree('run1', { 'step-20.onnx': new File(['b'], 'step-20.onnx'), 'step-3.onnx': new File(['a'], 'step-3.onnx'), w: { 'x.data': new File(['c'], 'x.data') }, 'step-100.onnx': new File(['d'], 'step-100.onnx') });
    const single = new File(['e'], 'extra.onnx');
    const dropped = await collectDroppedFiles({ files: [] as unknown as FileList, items: [fileItem(tree), fileItem({ isFile: true, isDirectory: false, name: 'extra.onnx', file: (ok: (f: File) => void) => ok(single) })] as unknown as DataTransferItemList });
    expect(dropped.map((d) => d.relativePath)).toEqual(['extra.onnx', 'run1/step-3.onnx', 'run1/step-20.onnx', 'run1/step-100.onnx', 'run1/w/x.data']);
    expect(dropped[0].file).toBe(single);
    const limited = await collectDroppedFiles({ files: [] as unknown as FileList, items: [fileItem(tree)] as unknown as DataTransferItemList }, 2);
    expect(limited).toHaveLength(2);
  });

  it('falls back to the flat file list, and takes host paths only when the shell knows every one', async () => {
    const files = [new File(['x'], 'ckpt-10.onnx'), new File(['x'], 'ckpt-2.onnx')];
    expect((await collectDroppedFiles({ files: files as unknown as FileList })).map((d) => d.relativePath)).toEqual(['ckpt-2.onnx', 'ckpt-10.onnx']);
    expect(hostPathsOf(files, undefined)).toBeUndefined();
    expect(hostPathsOf(files, (f) => `/data/${f.name}`)).toEqual(['/data/ckpt-2.onnx', '/data/ckpt-10.onnx']);
    expect(hostPathsOf(files, (f) => (f.name === 'ckpt-2.onnx' ? '/data/ckpt-2.onnx' : undefined))).toBeUndefined();
  });

  it('uploads in chunks the contract accepts, at increasing offsets, into one upload', async () => {
    expect(UPLOAD_CHUNK).toBeLessThanOrEqual(UPLOAD_CHUNK_BYTES);
    const big = Uint8Array.from({ length: UPLOAD_CHUNK * 2 + 1234 }, (_, i) => (i * 31) % 251);
    const received = new Map<string, number[]>();
    const backend = fakeBackend({
      'uploads:write': ({ uploadId, path, offset, data }) => {
        const bytes = [...Uint8Array.from(atob(data), (c) => c.charCodeAt(0))];
        const had = received.get(path) ?? [];
        expect(offset).toBe(had.length);
        received.set(path, [...had, ...bytes]);
        return { uploadId: uploadId ?? 'abcdef0123456789', path: `/ws/uploads/${path}`, bytes: offset + bytes.length };
      },
    });
    installBackend(backend);
    const progress: number[] = [];
    const paths = await uploadFiles([{ relativePath: 'r/big.onnx', file: new File([big], 'big.onnx') }, { relativePath: 'r/empty.data', file: new File([], 'empty.data') }], (p) => progress.push(p.sentBytes));
    expect(paths).toEqual(new Map([['r/big.onnx', '/ws/uploads/r/big.onnx'], ['r/empty.data', '/ws/uploads/r/empty.data']]));
    expect(received.get('r/big.onnx')).toEqual([...big]);
    expect(received.get('r/empty.data')).toEqual([]);
    const requests = backend.calls.map((c) => c.request as { uploadId?: string; data: string });
    expect(requests).toHaveLength(4);
    expect(requests[0].uploadId).toBeUndefined();
    expect(requests.slice(1).every((r) => r.uploadId === 'abcdef0123456789')).toBe(true);
    expect(Math.max(...requests.map((r) => r.data.length))).toBeLessThanOrEqual(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4);
    expect(progress[progress.length - 1]).toBe(big.length);
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

  const inspection: ImportInspectionDto = {
    files: ['/ws/up/run1/step-3.onnx', '/ws/up/run1/step-20.onnx'],
    probe: null,
    model: {
      identifier: 'step-3.onnx',
      producer: 'pytorch 2.1',
      opset: 17,
      inputShape: [4],
      outputs: 3,
      batch: 'dynamic',
      ops: { Gemm: 2, Relu: 1, Softmax: 1 },
      paramCount: 67,
      params: [
        { name: 'fc1.weight', shape: [8, 4], feeds: 'Gemm fc1 input 1' },
        { name: 'fc1.bias', shape: [8], feeds: 'Gemm fc1 input 2' },
        { name: 'fc2.weight', shape: [3, 8], feeds: 'Gemm fc2 input 1' },
        { name: 'fc2.bias', shape: [3], feeds: 'Gemm fc2 input 2' },
      ],
      frozen: [],
      constants: [],
      skippedOutputOp: 'Softmax',
      inputName: 'x',
      bound: {},
      structured: 'fcn',
    },
  };

  it('blocks Start with the reason while the probe cannot fit the model, and checks a new probe at once', async () => {
    const misfit = { source: '/ws/probe10.json', fits: false, message: 'probe samples have 10 values ([10]), the model takes 4 ([4])', code: 'data/shape-mismatch', n: 3, sampleShape: [10] };
    const fit = { source: '/ws/probe4.json', fits: true, message: 'probe samples are [4], the model takes [4]: ok', code: null, n: 3, sampleShape: [4] };
    const backend = fakeBackend({
      'projects:list': () => [project],
      'imports:inspect': ({ probe }) => ({ ...inspection, probe: probe === '/ws/probe4.json' ? fit : misfit }),
      'imports:start': ({ projectId }) => runRecord(35, { projectId, kind: 'import', status: 'queued' }),
    });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').setValue('/m/a-0.onnx');
    await view.find('[data-testid="import-probe"]').setValue('/ws/probe10.json');
    await view.find('[data-testid="inspect-models"]').trigger('click');
    await flushPromises();
    expect(backend.calls.filter((c) => c.channel === 'imports:inspect').at(-1)?.request).toEqual({ models: ['/m/a-0.onnx'], probe: '/ws/probe10.json' });
    const start = view.find('[data-testid="start-import"]');
    expect(start.attributes('disabled')).toBeDefined();
    expect(view.find('[data-testid="import-probe-check"]').text()).toBe(misfit.message);
    expect(view.find('[data-testid="import-probe-check"]').attributes('role')).toBe('alert');
    expect(view.find('[data-testid="import-blocked"]').text()).toContain(misfit.message);
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.some((c) => c.channel === 'imports:start')).toBe(false);
    // Changing the probe reads the checkpoint again with it; a fitting probe frees Start.
    await view.find('[data-testid="import-probe"]').setValue('/ws/probe4.json');
    await view.find('[data-testid="import-probe"]').trigger('change');
    await flushPromises();
    expect(view.find('[data-testid="import-probe-check"]').text()).toBe(fit.message);
    expect(view.find('[data-testid="start-import"]').attributes('disabled')).toBeUndefined();
    expect(view.find('[data-testid="import-blocked"]').exists()).toBe(false);
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:start')?.request).toMatchObject({ probe: '/ws/probe4.json' });
    view.unmount();
  });

  it('offers fixed transforms frozen, once', async () => {
    const spectral: ImportInspectionDto = {
      ...inspection,
      model: { ...inspection.model, params: [{ name: 'mel', shape: [8, 4], feeds: 'MatMul m input 1', fixedTransform: true }, ...inspection.model.params] },
    };
    const backend = fakeBackend({ 'projects:list': () => [project], 'imports:inspect': () => spectral, 'imports:start': ({ projectId }) => runRecord(34, { projectId, kind: 'import', status: 'queued' }) });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').setValue('/m/log-mel.onnx');
    await view.find('[data-testid="inspect-models"]').trigger('click');
    await flushPromises();
    expect(view.find('[data-param="mel"] [data-testid="fixed-transform"]').text()).toBe('fixed transform?');
    expect((view.find('[data-param="mel"] input[type="checkbox"]').element as HTMLInputElement).checked).toBe(true);
    await view.find('[data-param="mel"] input[type="checkbox"]').setValue(false);
    await view.find('[data-testid="inspect-models"]').trigger('click');
    await flushPromises();
    expect((view.find('[data-param="mel"] input[type="checkbox"]').element as HTMLInputElement).checked).toBe(false);
    view.unmount();
  });

  it('offers a field per extra graph input and sends the values given (empty fields bind zeros)', async () => {
    const recurrent: ImportInspectionDto = { ...inspection, model: { ...inspection.model, bound: { h: 'zeros', sr: 'zeros' } } };
    const backend = fakeBackend({
      'projects:list': () => [project],
      'imports:inspect': () => recurrent,
      'imports:start': ({ projectId }) => runRecord(33, { projectId, kind: 'import', status: 'queued' }),
    });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').setValue('/m/rnn.onnx');
    await view.find('[data-testid="inspect-models"]').trigger('click');
    await flushPromises();
    expect(view.find('[data-testid="import-bind-h"]').exists()).toBe(true);
    await view.find('[data-testid="import-bind-sr"]').setValue(' 16000 ');
    await flushPromises();
    expect(backend.calls.filter((c) => c.channel === 'imports:inspect').at(-1)?.request).toEqual({ models: ['/m/rnn.onnx'], bind: { sr: '16000' }, probe: 'mnist:64' });
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:start')?.request).toMatchObject({ models: ['/m/rnn.onnx'], bind: { sr: '16000' } });
    view.unmount();
  });

  it('uploads a dropped folder from a browser, lists its models, reads the first and sends the frozen parameters', async () => {
    const backend = fakeBackend({
      'projects:list': () => [project],
      'uploads:write': ({ uploadId, path, offset, data }) => ({ uploadId: uploadId ?? '0123456789abcdef', path: `/ws/up/${path}`, bytes: offset + atob(data).length }),
      'imports:inspect': () => inspection,
      'imports:start': ({ projectId }) => runRecord(32, { projectId, kind: 'import', status: 'queued' }),
    });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    const tree = entryTree('run1', { 'step-20.onnx': new File(['b'], 'step-20.onnx'), 'step-3.onnx': new File(['a'], 'step-3.onnx'), 'step-3.data': new File(['w'], 'step-3.data') });
    await view.find('[data-testid="import-models"]').trigger('drop', { dataTransfer: { files: [], items: [fileItem(tree)] } });
    await flushPromises();
    expect(backend.calls.filter((c) => c.channel === 'uploads:write').map((c) => (c.request as { path: string }).path)).toEqual(['run1/step-3.data', 'run1/step-3.onnx', 'run1/step-20.onnx']);
    expect((view.find('[data-testid="import-models"]').element as HTMLTextAreaElement).value).toBe('/ws/up/run1/step-3.onnx\n/ws/up/run1/step-20.onnx');
    expect(backend.calls.find((c) => c.channel === 'imports:inspect')?.request).toEqual({ models: ['/ws/up/run1/step-3.onnx', '/ws/up/run1/step-20.onnx'], probe: 'mnist:64' });
    expect(view.find('[data-testid="import-param-count"]').text()).toContain('67 trainable of 67');
    await view.find('[data-param="fc1.weight"] input[type="checkbox"]').setValue(true);
    expect(view.find('[data-testid="import-param-count"]').text()).toContain('35 trainable of 67');
    await view.find('[data-testid="import-keep-softmax"]').setValue(true);
    expect(view.find('[data-testid="inspect-models"]').text()).toBe('Read again');
    await view.find('form').trigger('submit');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'imports:start')?.request).toEqual({
      projectId: 1,
      models: ['/ws/up/run1/step-3.onnx', '/ws/up/run1/step-20.onnx'],
      probe: 'mnist:64',
      kernel: 'trace',
      freeze: ['fc1.weight'],
      keepSoftmax: true,
    });
    view.unmount();
  });

  it('takes host paths from the Electron shell without uploading, folders included', async () => {
    const backend = Object.assign(fakeBackend({ 'projects:list': () => [project], 'imports:inspect': () => inspection }), { pathForFile: (f: File) => `/data/${f.name}` });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').trigger('drop', { dataTransfer: { files: [new File([], 'run7'), new File(['x'], 'a-2.onnx')] } });
    await flushPromises();
    expect((view.find('[data-testid="import-models"]').element as HTMLTextAreaElement).value).toBe('/data/a-2.onnx\n/data/run7');
    expect(backend.calls.some((c) => c.channel === 'uploads:write')).toBe(false);
    expect(view.find('[data-testid="import-file-count"]').text()).toBe('2');
    view.unmount();
  });

  it('takes a dropped probe file: uploaded in a browser, the host path filled in', async () => {
    const backend = fakeBackend({
      'projects:list': () => [project],
      'uploads:write': ({ uploadId, path, offset, data }) => ({ uploadId: uploadId ?? '0123456789abcdef', path: `/ws/up/${path}`, bytes: offset + atob(data).length }),
    });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    const probe = view.find('[data-testid="import-probe"]');
    await probe.trigger('drop', { dataTransfer: { files: [new File(['{"inputs": [[1, 2]]}'], 'probe.json'), new File(['x'], 'notes.txt')] } });
    await flushPromises();
    expect((probe.element as HTMLInputElement).value).toBe('/ws/up/probe.json');
    await probe.trigger('drop', { dataTransfer: { files: [new File(['x'], 'readme.md')] } });
    await flushPromises();
    expect(view.find('[role="alert"]').text()).toContain('no probe file');
    expect((probe.element as HTMLInputElement).value).toBe('/ws/up/probe.json');
    view.unmount();
  });

  it('shows a failed upload and a model the importer refuses as coded errors, keeping the form', async () => {
    const backend = fakeBackend({
      'projects:list': () => [project],
      'uploads:write': () => ({ ok: false, code: 'io/failed', message: 'the disk holding /ws/uploads is full' }),
      'imports:inspect': () => ({ ok: false, code: 'onnx/unsupported-op', message: 'unsupported ops: NonMaxSuppression (node nms_1)' }),
    });
    installBackend(backend);
    const view = mount(ImportView, { props: { projectId: 1 }, attachTo: document.body });
    await view.find('[data-testid="import-models"]').setValue('/m/kept.onnx');
    await view.find('[data-testid="import-models"]').trigger('drop', { dataTransfer: { files: [new File(['x'], 'a.onnx')] } });
    await flushPromises();
    expect(view.find('[role="alert"]').text()).toContain('io/failed');
    expect((view.find('[data-testid="import-models"]').element as HTMLTextAreaElement).value).toBe('/m/kept.onnx');
    await view.find('[data-testid="inspect-models"]').trigger('click');
    await flushPromises();
    expect(view.text()).toContain('onnx/unsupported-op');
    expect(view.text()).toContain('nms_1');
    expect(view.find('[data-testid="import-model"]').exists()).toBe(false);
    view.unmount();
  });
});

describe('RunView for an import', () => {
  it('shows the drift panels against checkpoint step, and a kernels tab without the circle sweep', async () => {
    const warning = 'a-5.onnx: 3 of 128 outputs are saturated (Sigmoid at 0 or 1 to float32 precision; samples 1, 7)';
    const record = runRecord(40, { kind: 'import', status: 'done', summary: { checkpoints: 2, model: { paramCount: 1234 }, probe: { n: 64 }, warnings: [warning] }, config: { models: ['/m/a-0.onnx', '/m/a-5.onnx'], probe: 'mnist:64', kernel: 'trace', keepSoftmax: false } });
    const s = { steps: [0, 5], wallTimes: [0, 0], values: [0, 0.1] };
    const names = ['paramNorm', 'paramDistance', 'relDrift', 'lambdaMin', 'lambdaMax', 'outputChange', 'maxAbsOutputChange', 'validation/maxAbsError'];
    installBackend(fakeBackend({ 'projects:list': () => [], 'runs:subscribe': () => ({ run: record, series: Object.fromEntries(names.map((n) => [n, s])), lastStep: 5, progress: null }), 'runs:kernels': () => [] }));
    const view = mount(RunView, { props: { runId: 40 }, attachTo: document.body });
    await flushPromises();
    expect(view.findAll('[data-panel]').map((p) => p.attributes('data-panel'))).toEqual(['drift', 'distance', 'norms', 'spectrum', 'output-change']);
    expect(view.find('[data-testid="tab-kernels"]').exists()).toBe(true);
    expect(view.text()).toContain('2 checkpoints · probe mnist:64 · trace kernel');
    expect(view.text()).not.toContain('Run again with changes');
    expect(view.find('[data-testid="progress"]').text()).toContain('2');
    expect(view.find('[data-testid="run-warnings"]').text()).toContain(warning);
    view.unmount();
    const kernelsView = mount(RunView, { props: { runId: 40, tab: 'kernels' }, attachTo: document.body });
    await flushPromises();
    expect(kernelsView.findAll('[data-panel]').map((p) => p.attributes('data-panel'))).toEqual(['heatmaps', 'spectrum-all']);
    expect(kernelsView.text()).toContain('Spectrum of K_t across checkpoints');
    kernelsView.unmount();
  });
});
