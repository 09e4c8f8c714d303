// Checkpoint lists with folders: a folder stands for its .onnx files in natural order, files stay as given, repeats
// go, and a missing path or an empty folder is a coded error naming it.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandModelPaths, importRunName } from '../../../../src-main/node/onnx/import/model-paths';

describe('expandModelPaths', () => {
  it('expands folders in place, in natural order, keeping files as given and dropping repeats', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ntk-paths-'));
    await mkdir(join(root, 'run', 'nested'), { recursive: true });
    for (const name of ['step-100.onnx', 'step-20.onnx', 'step-3.ONNX', 'weights.data', 'notes.txt']) await writeFile(join(root, 'run', name), 'x');
    await writeFile(join(root, 'run', 'nested', 'step-1.onnx'), 'x');
    await writeFile(join(root, 'extra.onnx'), 'x');
    const run = join(root, 'run');
    expect(await expandModelPaths([join(root, 'extra.onnx'), run, join(run, 'step-20.onnx')])).toEqual([
      join(root, 'extra.onnx'),
      join(run, 'step-3.ONNX'),
      join(run, 'step-20.onnx'),
      join(run, 'step-100.onnx'),
    ]);
  });

  it('names a missing path and a folder without models', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ntk-paths-'));
    await expect(expandModelPaths([join(root, 'nope.onnx')])).rejects.toMatchObject({ code: 'data/not-found', message: expect.stringContaining('nope.onnx') });
    await mkdir(join(root, 'empty'));
    await expect(expandModelPaths([join(root, 'empty')])).rejects.toMatchObject({ code: 'data/not-found', message: expect.stringContaining('no .onnx files') });
  });
});

describe('importRunName', () => {
  it('names a series by its shared stem and its first and last checkpoints', () => {
    const files = ['0000', '0005', '0020', '0060'].map((s) => `/up/torch-mlp-step-${s}.onnx`);
    expect(importRunName(files)).toBe('torch-mlp-step 0000–0060 (4 checkpoints)');
    expect(importRunName(['/a/ckpt1.onnx', '/b/ckpt2.onnx'])).toBe('ckpt1 … ckpt2 (2 checkpoints)');
    expect(importRunName(['/a/model.onnx'])).toBe('model (1 checkpoint)');
  });
});
