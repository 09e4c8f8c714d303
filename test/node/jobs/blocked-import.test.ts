// The import job with a blocked kernel, against a real store: each checkpoint's kernel lands in
// <workspace>/kernels/run-<id>/step-<step>.npy equal to the whole in-memory kernel (modelNtk), one progress notice
// per block, metrics per checkpoint from the files (relDrift equal to the dense Frobenius drift); a cancel after the
// first blocks ends the run cancelled with those blocks on disk; a resumed run (blocked.resumeFrom) of a cancelled or
// failed run finishes the same bytes as an uninterrupted run, leaving the parent's files as they were; a budget too
// small for one block fails the run with ntk/insufficient-memory.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressDto } from '../../../src-main/contract/api';
import { isResumableImport } from '../../../src-main/contract/records';
import { decodeNpy } from '../../../src-main/core/io/npy';
import { frobenius } from '../../../src-main/core/linalg/norms';
import { initParams, type FcnArchitecture } from '../../../src-main/core/models/architecture';
import { readKernelSidecar } from '../../../src-main/node/kernel-file/blocked-kernel-file';
import { checkpointKernelPath } from '../../../src-main/node/kernel-file/run-kernel-dir';
import { runImportJob } from '../../../src-main/node/jobs/import-job';
import { modelNtk } from '../../../src-main/node/onnx/import/import-service';
import { loadProbeSet } from '../../../src-main/node/onnx/import/probe-set';
import type { RunState } from '../../../src-main/node/store/types';
import { fcnOnnx } from '../../fixtures/onnx/fcn-onnx';
import { tempDir, tempStore } from '../store/temp-store';

const arch: FcnArchitecture = { arch: 'fcn', inputDim: 784, outputs: 10, widths: [32], bias: true, parameterization: 'ntk' };
const PROBE = 'mnist:200';
const BLOCK = 25;
// 200 samples in blocks of 25: 8 x 9 / 2 = 36 upper-triangle blocks per checkpoint.
const BLOCKS = 36;

async function checkpoints(dir: string): Promise<string[]> {
  const p0 = initParams(arch, 2);
  const p1 = p0.map((p) => ({ ...p, values: p.values.map((v, i) => v + 0.05 * Math.sin(i + 1)) }));
  const paths = [join(dir, 'mlp-step-0.onnx'), join(dir, 'mlp-step-100.onnx')];
  await writeFile(paths[0], fcnOnnx(arch, p0, 'gemm-alpha').bytes);
  await writeFile(paths[1], fcnOnnx(arch, p1, 'gemm-alpha').bytes);
  return paths;
}

async function setup() {
  const workspace = tempDir('ntk-ws-');
  const store = tempStore(join(workspace, 'workbench.sqlite'));
  const models = await checkpoints(tempDir('ntk-models-'));
  const project = store.projects.create('blocked import');
  const create = (blocked: Record<string, unknown>) =>
    store.runs.create(project.id, { kind: 'import', config: { models, probe: PROBE, kernel: 'trace', keepSoftmax: false, blocked: { blockSize: BLOCK, ...blocked } } as never }).id;
  return { workspace, store, models, create };
}

const matrix = async (path: string) => decodeNpy(await readFile(path)).data as Float64Array;

describe('blocked import job', () => {
  it('writes each kernel to a file equal to the whole kernel, with progress per block and metrics from the files', async () => {
    const { workspace, store, models, create } = await setup();
    const runId = create({});
    const progress: ProgressDto[] = [];
    const statuses: RunState[] = [];
    await runImportJob(store, runId, { listener: { onProgress: (p) => progress.push(p), onStatus: (s) => statuses.push(s) } });
    expect(statuses).toEqual(['running', 'done']);
    const blockSteps = progress.filter((p) => p.total === 2 * BLOCKS);
    expect(blockSteps.map((p) => p.step)).toEqual(Array.from({ length: 2 * BLOCKS }, (_, i) => i + 1));
    expect(store.kernels.list(runId)).toEqual([]);
    const probe = await loadProbeSet(PROBE);
    const files = [0, 100].map((step) => checkpointKernelPath(workspace, runId, step));
    const dense = [];
    for (const [i, model] of models.entries()) {
      const whole = (await modelNtk({ path: model }, probe, { kernel: 'trace' })).trace;
      const onDisk = await matrix(files[i]);
      expect(onDisk.length).toBe(200 * 200);
      // The structured kernel's products run in float32 on onnxruntime, whose sums follow the block shapes: the two
      // agree to float32 rounding (measured 9.4e-8 relative here), not bit for bit as the float64 core test does.
      expect(frobenius(onDisk, whole) / frobenius(whole)).toBeLessThan(1e-6);
      dense.push(onDisk);
    }
    const metrics = store.metrics.read(runId);
    expect(Array.from(metrics.relDrift.steps)).toEqual([0, 100]);
    expect(metrics.relDrift.values[0]).toBe(0);
    expect(metrics.relDrift.values[1]).toBe(frobenius(dense[1], dense[0]) / frobenius(dense[0]));
    expect(metrics.relDrift.values[1]).toBeGreaterThan(0);
    expect(metrics.paramDistance.values[1]).toBeGreaterThan(0);
    const summary = store.runs.get(runId).summary as { kernelFiles: { step: number; path: string; shape: number[]; complete: boolean; blocks: { done: number; total: number }; spectrum: { lambdaMax: number; top: number[] } }[]; timings: Record<string, number> };
    expect(summary.kernelFiles.map((f) => [f.step, f.path, f.shape, f.complete, f.blocks])).toEqual(files.map((path, i) => [[0, 100][i], path, [200, 200], true, { done: BLOCKS, total: BLOCKS }]));
    expect(summary.kernelFiles[0].spectrum.lambdaMax).toBe(metrics.lambdaMax.values[0]);
    expect(summary.kernelFiles[0].spectrum.top).toHaveLength(16);
    expect(summary.timings.spectrum).toBeGreaterThan(0);
    expect((await readKernelSidecar(files[1])).spectrum).toMatchObject({ method: 'block-lanczos' });
  });

  it('cancels between blocks keeping them, and a resumed run finishes the same bytes as an uninterrupted run', async () => {
    const { workspace, store, create } = await setup();
    const whole = create({});
    await runImportJob(store, whole);
    const cancelled = create({});
    const controller = new AbortController();
    await runImportJob(store, cancelled, { signal: controller.signal, listener: { onProgress: (p) => p.total === 2 * BLOCKS && p.step === 3 && controller.abort() } });
    expect(store.runs.get(cancelled).status).toBe('cancelled');
    const partial = checkpointKernelPath(workspace, cancelled, 0);
    const stopped = await readKernelSidecar(partial);
    expect(stopped.complete).toBe(false);
    expect(stopped.blocks.done.length).toBeGreaterThanOrEqual(3);
    expect(stopped.blocks.done.length).toBeLessThan(BLOCKS);
    expect((store.runs.get(cancelled).summary as { kernelFiles: { complete: boolean; blocks: { done: number } }[] }).kernelFiles).toMatchObject([{ complete: false, blocks: { done: stopped.blocks.done.length } }]);
    const partialBytes = await readFile(partial);
    const resumed = store.runs.duplicate(cancelled, { configPatch: { blocked: { resumeFrom: cancelled } } }).id;
    const progress: ProgressDto[] = [];
    await runImportJob(store, resumed, { listener: { onProgress: (p) => progress.push(p) } });
    expect(store.runs.get(resumed)).toMatchObject({ status: 'done', sourceRunId: cancelled, summary: { resumedFrom: cancelled } });
    // Only the blocks the parent had not finished were computed.
    expect(progress.filter((p) => p.total === 2 * BLOCKS)[0].step).toBe(stopped.blocks.done.length + 1);
    for (const step of [0, 100]) expect((await readFile(checkpointKernelPath(workspace, resumed, step))).equals(await readFile(checkpointKernelPath(workspace, whole, step)))).toBe(true);
    expect((await readFile(partial)).equals(partialBytes)).toBe(true);
    expect(store.metrics.read(resumed).relDrift.values).toEqual(store.metrics.read(whole).relDrift.values);
  });

  it('resumes a run that failed mid-kernel, and tells which states are resumable', async () => {
    const { workspace, store, create } = await setup();
    const whole = create({});
    await runImportJob(store, whole);
    const failing = create({});
    // A listener that throws mid-kernel stands for any failure between blocks (a full disk, a bad checkpoint).
    await runImportJob(store, failing, {
      listener: {
        onProgress: (p) => {
          if (p.total === 2 * BLOCKS && p.step === BLOCKS + 5) throw new Error('disk full');
        },
      },
    });
    const failed = store.runs.get(failing);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'internal', message: 'disk full' } });
    expect((failed.summary as { kernelFiles: { complete: boolean }[] }).kernelFiles.map((f) => f.complete)).toEqual([true]);
    expect(isResumableImport(failed)).toBe(true);
    for (const status of ['interrupted', 'cancelled'] as const) expect(isResumableImport({ ...failed, status })).toBe(true);
    for (const status of ['done', 'running', 'queued'] as const) expect(isResumableImport({ ...failed, status })).toBe(false);
    expect(isResumableImport({ ...failed, config: { ...failed.config, blocked: undefined } } as typeof failed)).toBe(false);
    const resumed = store.runs.duplicate(failing, { configPatch: { blocked: { resumeFrom: failing } } }).id;
    await runImportJob(store, resumed);
    expect(store.runs.get(resumed).status).toBe('done');
    for (const step of [0, 100]) expect((await readFile(checkpointKernelPath(workspace, resumed, step))).equals(await readFile(checkpointKernelPath(workspace, whole, step)))).toBe(true);
  });

  it('fails the run with ntk/insufficient-memory when one block cannot fit the budget', async () => {
    const { store, create } = await setup();
    const runId = create({ memory: '1MiB', blockSize: undefined });
    await runImportJob(store, runId);
    expect(store.runs.get(runId)).toMatchObject({ status: 'failed', error: { code: 'ntk/insufficient-memory', message: expect.stringMatching(/needs at least/) } });
  });
});
