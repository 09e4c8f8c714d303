// Upload folders no import run names are removed after their grace period; a folder a run's models or probe point
// into is kept whatever its age; and the service prunes when a run or project is deleted.
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkbenchService } from '../../../src-main/node/service/workbench-service';
import { pathsNamedByRuns, pruneUploads } from '../../../src-main/node/transfers/upload-pruning';
import { tempDir, tempStore } from '../store/temp-store';

async function folder(root: string, id: string, file: string, ageMs: number): Promise<string> {
  await mkdir(join(root, id), { recursive: true });
  const path = join(root, id, file);
  await writeFile(path, 'x');
  const when = new Date(Date.now() - ageMs);
  await utimes(join(root, id), when, when);
  return path;
}

describe('upload pruning', () => {
  it('removes old folders no path names, keeps named and recent ones', async () => {
    const root = tempDir('ntk-uploads-');
    const day = 24 * 3600 * 1000;
    const named = await folder(root, 'aaaa0000', 'ckpt-1.onnx', 3 * day);
    await folder(root, 'bbbb0000', 'ckpt-1.onnx', 3 * day);
    await folder(root, 'cccc0000', 'ckpt-1.onnx', 60 * 1000);
    const probe = await folder(root, 'dddd0000', 'probe.json', 3 * day);
    expect((await pruneUploads(root, [named, probe])).sort()).toEqual(['bbbb0000']);
    expect(existsSync(join(root, 'aaaa0000'))).toBe(true);
    expect(existsSync(join(root, 'cccc0000'))).toBe(true);
    expect(existsSync(join(root, 'dddd0000'))).toBe(true);
    expect(await pruneUploads(join(root, 'missing'), [])).toEqual([]);
  });

  it('collects the models and probe of every import run in the workspace', () => {
    const store = tempStore();
    const a = store.projects.create('a');
    const b = store.projects.create('b');
    store.runs.create(a.id, { kind: 'import', config: { models: ['/u/1/a.onnx', '/u/1/b.onnx'], probe: '/u/2/p.json', kernel: 'trace', keepSoftmax: false } });
    store.runs.create(b.id, { kind: 'import', config: { models: ['/u/3/c.onnx'], probe: 'mnist:64', kernel: 'trace', keepSoftmax: false } });
    expect(pathsNamedByRuns(store).sort()).toEqual(['/u/1/a.onnx', '/u/1/b.onnx', '/u/2/p.json', '/u/3/c.onnx', 'mnist:64'].sort());
  });

  it('the service prunes an upload once the last run naming it is deleted', async () => {
    const workspaceDir = tempDir('ntk-ws-');
    const service = await createWorkbenchService({ workspaceDir, transport: 'web', uploadRetentionMs: 0 });
    try {
      const project = await service.handlers['projects:create']({ name: 'uploads' });
      const upload = await service.handlers['uploads:write']({ path: 'ckpt-0.onnx', offset: 0, data: Buffer.from('not a model').toString('base64') });
      const run = await service.handlers['imports:start']({ projectId: project.id, models: [upload.path], probe: 'mnist:2', kernel: 'trace', keepSoftmax: false });
      await expect.poll(async () => (await service.handlers['runs:get']({ id: run.id })).status, { timeout: 60_000 }).toMatch(/failed|done/);
      const other = await service.handlers['projects:create']({ name: 'other' });
      await service.handlers['projects:delete']({ id: other.id });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(upload.path)).toBe(true);
      await service.handlers['runs:delete']({ id: run.id });
      await expect.poll(() => existsSync(join(workspaceDir, 'uploads', upload.uploadId)), { timeout: 5_000 }).toBe(false);
    } finally {
      await service.close();
    }
  });
});
