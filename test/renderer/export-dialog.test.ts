// The Export dialog's two hosts: in a browser every ticked format is written on the host (npy and figures as one zip)
// and read back through downloads:read into a download; in the desktop app the host has already saved the file where
// its save dialog chose (delivered), so nothing is downloaded, and a cancelled save dialog ends the export quietly.
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReportExportDto, RequestOf } from '../../src-main/contract/api';
import ExportDialog from '../../src-renderer/src/components/ExportDialog.vue';
import { installBackend } from '../../src-renderer/src/services/backend';
import { useAppStore } from '../../src-renderer/src/stores/app';
import { fakeBackend } from './fake-backend';

afterEach(() => vi.restoreAllMocks());

const bytes = new TextEncoder().encode('PK zip bytes');

/** Records the downloads the dialog starts: their file names. */
function captureDownloads(): string[] {
  const names: string[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:x');
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return names;
}

async function exportWith(formats: string[]) {
  const view = mount(ExportDialog, { props: { open: true, runIds: [4], title: 'Export run 4', isTraining: true }, attachTo: document.body });
  await flushPromises();
  for (const f of formats) await view.find(`[data-testid="export-format-${f}"]`).setValue(true);
  await view.find('form').trigger('submit');
  await flushPromises();
  return view;
}

describe('Export dialog', () => {
  it('in a browser: asks for archives and downloads each file the host wrote', async () => {
    const requests: RequestOf<'reports:export'>[] = [];
    const backend = fakeBackend({
      'reports:export': (request): ReportExportDto => {
        requests.push(request);
        const suffix = request.format === 'npy' ? '-arrays.zip' : `.${request.format}`;
        return { path: `/ws/exports/run-4${suffix}`, bytes: bytes.length, partial: false, folder: false, delivered: false, also: [] };
      },
      'downloads:read': () => ({ data: btoa(String.fromCharCode(...bytes)), bytes: bytes.length }),
    });
    installBackend(backend);
    const names = captureDownloads();
    const view = await exportWith(['npy']);
    expect(requests.map((r) => [r.format, r.archive])).toEqual([['html', true], ['npy', true]]);
    expect(names).toEqual(['run-4.html', 'run-4-arrays.zip']);
    expect(view.find('[data-testid="export-saved"]').text()).toContain('/ws/exports/run-4-arrays.zip');
    view.unmount();
  });

  it('in the desktop app: a delivered file is not downloaded, and a cancelled save dialog is no error', async () => {
    const backend = fakeBackend({
      'reports:export': (request) =>
        request.format === 'pdf'
          ? { ok: false, code: 'export/cancelled', message: 'the export was cancelled in the save dialog; nothing was saved' }
          : { path: '/home/me/run-4.html', bytes: 10, partial: false, folder: false, delivered: true, also: [] },
    });
    installBackend(backend);
    const names = captureDownloads();
    const view = await exportWith(['pdf']);
    expect(backend.calls.map((c) => c.channel)).toEqual(['reports:export', 'reports:export']);
    expect(names).toEqual([]);
    expect(view.find('[data-testid="export-status"]').text()).toBe('Cancelled.');
    expect(useAppStore().notices.filter((n) => n.kind === 'error')).toEqual([]);
    view.unmount();
  });
});
