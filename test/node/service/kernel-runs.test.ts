// Blocked import runs through the service (worker threads, the real store, the contract's boundary): a budget that
// is not a size is refused by the schema, block progress is streamed, runs:cancel stops between blocks, imports:resume
// continues only a resumable run and finishes it, the kernel file comes back through exports/ and downloads:read,
// and deleting a run deletes its kernel folder (a parent's stays).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelFileDto } from '../../../src-main/contract/api';
import { dispatch } from '../../../src-main/contract/dispatch';
import { initParams, type FcnArchitecture } from '../../../src-main/core/models/architecture';
import { runKernelDir } from '../../../src-main/node/kernel-file/run-kernel-dir';
import { createWorkbenchService } from '../../../src-main/node/service/workbench-service';
import type { WorkbenchService } from '../../../src-main/node/service/workbench-service-types';
import { fcnOnnx } from '../../fixtures/onnx/fcn-onnx';
import { waitForStatus } from './wait-for-status';

const arch: FcnArchitecture = { arch: 'fcn', inputDim: 784, outputs: 10, widths: [256, 256], bias: true, parameterization: 'ntk' };

describe('blocked import runs in the service', () => {
  let service: WorkbenchService;
  let workspace: string;
  let model: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'ntk-ws-'));
    service = await createWorkbenchService({ workspaceDir: workspace, transport: 'web' });
    model = join(await mkdtemp(join(tmpdir(), 'ntk-model-')), 'mlp-step-0.onnx');
    await writeFile(model, fcnOnnx(arch, initParams(arch, 4), 'gemm-alpha').bytes);
  });
  afterAll(async () => service.close());

  it('refuses a budget that is not a size, with the rule the form shows', async () => {
    const project = await service.handlers['projects:create']({ name: 'bad budget' });
    const refused = await dispatch(service.handlers, 'imports:start', { projectId: project.id, models: [model], probe: 'mnist:10', blocked: { memory: '2XB' } });
    expect(refused).toMatchObject({ ok: false, code: 'api/invalid-request', message: expect.stringContaining('"2XB" is not a memory size') });
    const tiny = await dispatch(service.handlers, 'imports:start', { projectId: project.id, models: [model], probe: 'mnist:10', blocked: { memory: '10KB' } });
    expect(tiny).toMatchObject({ ok: false, message: expect.stringContaining('at least 1 MiB') });
    const info = await service.handlers['app:info']({});
    expect(info.memory.free).toBeGreaterThan(0);
    expect(info.memory.total).toBeGreaterThanOrEqual(info.memory.free);
  });

  it('cancels between blocks, resumes as a new run, exports the file and deletes folders with their runs', async () => {
    const project = await service.handlers['projects:create']({ name: 'blocked' });
    const run = await service.handlers['imports:start']({ projectId: project.id, models: [model], probe: 'mnist:1000', kernel: 'trace', keepSoftmax: false, blocked: { blockSize: 25, memory: '2GB', dtype: 'float64', spectrumTop: 8 } });
    const blockSteps: number[] = [];
    let cancelled = false;
    const off = service.subscribe('runs:progress', (p) => {
      if (p.runId !== run.id || p.total !== 820) return;
      blockSteps.push(p.step);
      if (!cancelled && p.step >= 2) {
        cancelled = true;
        void service.handlers['runs:cancel']({ id: run.id });
      }
    });
    expect(await waitForStatus(service, run.id, ['cancelled', 'done', 'failed'])).toMatchObject({ status: 'cancelled' });
    off();
    const stopped = await service.handlers['runs:get']({ id: run.id });
    const [partial] = (stopped.summary as { kernelFiles: KernelFileDto[] }).kernelFiles;
    expect(partial).toMatchObject({ step: 0, shape: [1000, 1000], complete: false, blocks: { total: 820 } });
    expect(partial.blocks.done).toBeGreaterThanOrEqual(2);
    expect(partial.blocks.done).toBeLessThan(820);
    expect(blockSteps.length).toBeGreaterThanOrEqual(2);
    expect(await service.handlers['imports:kernel-files']({ id: run.id })).toEqual([partial]);
    const notResumable = await dispatch(service.handlers, 'imports:resume', { id: run.id + 1000 });
    expect(notResumable).toMatchObject({ ok: false, code: 'store/not-found' });

    const resumed = await service.handlers['imports:resume']({ id: run.id });
    expect(resumed).toMatchObject({ kind: 'import', sourceRunId: run.id, name: `${stopped.name} (resumed)`, config: { blocked: { resumeFrom: run.id, blockSize: 25 } } });
    expect(await waitForStatus(service, resumed.id, ['cancelled', 'done', 'failed'])).toMatchObject({ status: 'done' });
    const done = await service.handlers['runs:get']({ id: resumed.id });
    const [file] = (done.summary as { kernelFiles: KernelFileDto[] }).kernelFiles;
    expect(file).toMatchObject({ complete: true, blocks: { done: 820, total: 820 }, bytes: 128 + 8 * 1000 * 1000 });
    expect(file.spectrum?.lambdaMax).toBeGreaterThan(0);
    expect(await service.handlers['imports:kernel-files']({ id: resumed.id })).toEqual([file]);
    const again = await dispatch(service.handlers, 'imports:resume', { id: resumed.id });
    expect(again).toMatchObject({ ok: false, code: 'store/invalid-state', message: expect.stringContaining('is done') });

    const exported = await service.handlers['imports:kernel-export']({ id: resumed.id, step: 0 });
    expect(exported.path.startsWith(join(workspace, 'exports'))).toBe(true);
    expect(exported.bytes).toBe(file.bytes);
    const head = await service.handlers['downloads:read']({ path: exported.path, offset: 0, length: 1024 });
    expect(Buffer.from(head.data, 'base64').equals((await readFile(file.path)).subarray(0, 1024))).toBe(true);
    expect(await dispatch(service.handlers, 'imports:kernel-export', { id: resumed.id, step: 7 })).toMatchObject({ ok: false, code: 'data/not-found' });

    // The run's report takes a run without stored kernels.
    const report = await service.handlers['reports:export']({ runIds: [resumed.id], format: 'html' });
    expect(await readFile(report.path, 'utf8')).toContain('Import run report');

    // The worker posts its final status just before it exits; the queue holds the run until then.
    for (let tries = 0; tries < 200 && !(await dispatch(service.handlers, 'runs:delete', { id: resumed.id })).ok; tries++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(runKernelDir(workspace, resumed.id))).toBe(false);
    expect(existsSync(runKernelDir(workspace, run.id))).toBe(true);
    expect(existsSync(exported.path)).toBe(true);
    await service.handlers['projects:delete']({ id: project.id });
    expect(existsSync(runKernelDir(workspace, run.id))).toBe(false);
  });
});
