// The app's path to reports: 'reports:export' through the service (rendered in a task worker), written under the
// workspace's exports folder and read back through downloads:read as a browser download would; bad requests get
// coded errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportExportDto } from '../../../src-main/contract/api';
import { dispatch } from '../../../src-main/contract/dispatch';
import type { Result } from '../../../src-main/contract/result';
import { openStore } from '../../../src-main/node/store/store';
import { storePathIn } from '../../../src-main/node/store/workspace-dir';
import { createTestService, type TestService } from '../../helpers/test-service';
import { createSyntheticRun, SMALL } from '../../helpers/report-runs';

let service: TestService;
let runId: number;
let projectId: number;

beforeAll(async () => {
  service = await createTestService('web');
  const store = openStore(storePathIn(service.workspaceDir));
  runId = createSyntheticRun(store, 'app', SMALL);
  createSyntheticRun(store, 'app', { ...SMALL, name: 'second' });
  projectId = store.projects.find('app')?.id ?? 0;
  store.close();
});
afterAll(async () => service?.dispose());

describe('reports:export', () => {
  it('writes a run report under exports/ that downloads:read returns whole', async () => {
    const result = (await dispatch(service.handlers, 'reports:export', { runIds: [runId], format: 'html', kernelSteps: [200] })) as Result<ReportExportDto>;
    if (!result.ok) throw new Error(result.message);
    expect(result.value.path.startsWith(`${service.workspaceDir}/exports/synthetic-small-`)).toBe(true);
    expect(result.value.folder).toBe(false);
    const chunk = (await dispatch(service.handlers, 'downloads:read', { path: result.value.path, offset: 0 })) as Result<{ data: string; bytes: number }>;
    if (!chunk.ok) throw new Error(chunk.message);
    expect(chunk.value.bytes).toBe(result.value.bytes);
    expect(Buffer.from(chunk.value.data, 'base64').toString('utf8')).toBe(readFileSync(result.value.path, 'utf8').slice(0, chunk.value.data.length));
    expect(readFileSync(result.value.path, 'utf8')).toContain('data-chart="heatmap-kt-200"');
  });

  it('a project report and a comparison', async () => {
    const project = (await dispatch(service.handlers, 'reports:export', { projectId, format: 'json' })) as Result<ReportExportDto>;
    if (!project.ok) throw new Error(project.message);
    expect(JSON.parse(readFileSync(project.value.path, 'utf8')).runs.map((r: { name: string }) => r.name).sort()).toEqual(['second', 'synthetic-small']);
    const compare = await dispatch(service.handlers, 'reports:export', { runIds: [runId, runId + 1], format: 'csv' });
    expect(compare.ok).toBe(true);
  });

  it('bad requests: coded errors', async () => {
    expect(await dispatch(service.handlers, 'reports:export', { runIds: [999], format: 'html' })).toMatchObject({ ok: false, code: 'store/not-found' });
    expect(await dispatch(service.handlers, 'reports:export', { runIds: [], format: 'html' })).toMatchObject({ ok: false, code: 'api/invalid-request' });
    expect(await dispatch(service.handlers, 'reports:export', { runIds: [runId], format: 'docx' } as never)).toMatchObject({ ok: false, code: 'api/invalid-request' });
    expect(await dispatch(service.handlers, 'reports:export', { runIds: [runId], format: 'html', path: '/no/such/folder/r.html' })).toMatchObject({ ok: false, code: 'io/failed' });
  });
});
