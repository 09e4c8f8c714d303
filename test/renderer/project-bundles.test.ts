// Project bundles from the UI: Export project writes the bundle on the host (projects:export), reads it back in
// chunks (downloads:read) and saves it through a download; Import project takes a local .ntkproject, uploads it
// when the shell cannot name its path, imports it (projects:import) and opens the new project.
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useAppStore } from '../../src-renderer/src/stores/app';
import { useNavigationStore } from '../../src-renderer/src/stores/navigation';
import ProjectsView from '../../src-renderer/src/views/ProjectsView.vue';
import ProjectView from '../../src-renderer/src/views/ProjectView.vue';
import { fakeBackend } from './fake-backend';

const project = { id: 3, name: 'Fig. 1', notes: '', created: 0, updated: 0, runCount: 0 };

afterEach(() => vi.restoreAllMocks());

function chooseFile(input: HTMLInputElement, file: File): void {
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change'));
}

describe('project bundles', () => {
  it('Export project downloads the bytes the host wrote, chunk by chunk', async () => {
    const bundle = Uint8Array.from({ length: 1300 }, (_, i) => (i * 7) % 256);
    const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    const backend = fakeBackend({
      'projects:list': () => [project],
      'runs:list': () => [],
      'projects:export': () => ({ path: '/ws/exports/fig-1-20261128-160000Z.ntkproject', bytes: bundle.length }),
      // A host that answers 1000 bytes at most: the client asks again from where it got to.
      'downloads:read': ({ offset }) => ({ data: base64(bundle.subarray(offset, offset + 1000)), bytes: bundle.length }),
    });
    installBackend(backend);
    const saved: { blob: Blob; name: string }[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved.push({ blob: blob as Blob, name: '' });
      return 'blob:bundle';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved[saved.length - 1].name = this.download;
    });
    const view = mount(ProjectView, { props: { projectId: 3 }, attachTo: document.body });
    await flushPromises();
    await view.find('[data-testid="export-project"]').trigger('click');
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'projects:export')?.request).toEqual({ id: 3 });
    expect(backend.calls.filter((c) => c.channel === 'downloads:read').map((c) => (c.request as { offset: number }).offset)).toEqual([0, 1000]);
    expect(clicked).toHaveBeenCalledOnce();
    expect(saved[0].name).toBe('fig-1-20261128-160000Z.ntkproject');
    expect(new Uint8Array(await saved[0].blob.arrayBuffer())).toEqual(bundle);
    view.unmount();
  });

  it('Import project uploads a chosen bundle from a browser, imports it and opens it', async () => {
    const imported = { ...project, id: 8, name: 'Fig. 1 (2)' };
    const backend = fakeBackend({
      'projects:list': () => [project, imported],
      'uploads:write': ({ path, offset, data }) => ({ uploadId: 'abcdef0123456789', path: `/ws/uploads/abcdef0123456789/${path}`, bytes: offset + atob(data).length }),
      'projects:import': () => imported,
    });
    installBackend(backend);
    const view = mount(ProjectsView, { attachTo: document.body });
    await flushPromises();
    chooseFile(view.find('[data-testid="import-project"]').element as HTMLInputElement, new File(['SQLite format 3'], 'fig-1.ntkproject'));
    await flushPromises();
    expect(backend.calls.find((c) => c.channel === 'uploads:write')?.request).toMatchObject({ path: 'fig-1.ntkproject', offset: 0 });
    expect(backend.calls.find((c) => c.channel === 'projects:import')?.request).toEqual({ path: '/ws/uploads/abcdef0123456789/fig-1.ntkproject' });
    expect(useNavigationStore().route).toEqual({ name: 'project', projectId: 8 });
    view.unmount();
  });

  it('Import project in Electron passes the file\'s own path, and shows a refused bundle as an error', async () => {
    const backend = Object.assign(
      fakeBackend({
        'projects:list': () => [project],
        'projects:import': () => ({ ok: false, code: 'store/bad-bundle', message: 'not a project bundle: no projects table' }),
      }),
      { pathForFile: (f: File) => `/home/me/${f.name}` },
    );
    installBackend(backend);
    const view = mount(ProjectsView, { attachTo: document.body });
    await flushPromises();
    chooseFile(view.find('[data-testid="import-project"]').element as HTMLInputElement, new File(['x'], 'notes.ntkproject'));
    await flushPromises();
    expect(backend.calls.some((c) => c.channel === 'uploads:write')).toBe(false);
    expect(backend.calls.find((c) => c.channel === 'projects:import')?.request).toEqual({ path: '/home/me/notes.ntkproject' });
    expect(useAppStore().notices.at(-1)).toMatchObject({ kind: 'error', code: 'store/bad-bundle', message: expect.stringContaining('Importing notes.ntkproject') });
    expect(useNavigationStore().route.name).toBe('projects');
    view.unmount();
  });
});
