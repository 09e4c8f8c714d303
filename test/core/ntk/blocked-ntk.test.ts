// A kernel computed in blocks equals the one computed whole, bit for bit, when every product accumulates in float64
// in a fixed order (the engine below): FCN structured (features reused across blocks) and the float64 reference, full
// and trace, with block sizes that do and do not divide n. Also the block plan and the memory-budget choice.
import { describe, expect, it } from 'vitest';
import { initParams, type Architecture } from '../../../src-main/core/models/architecture';
import { f64Engine } from '../../helpers/f64-engine';
import { blockedKernel, blockedKernelBytes, chooseBlockSize, MAX_BLOCK_ROWS, planKernelBlocks } from '../../../src-main/core/ntk/blocked-ntk';
import { architectureNtkModel, empiricalNtkFn, empiricalNtkParts, type EmpiricalNtkOptions } from '../../../src-main/core/ntk/empirical-ntk';

const a: Architecture = { arch: 'fcn', inputDim: 5, outputs: 3, widths: [11, 7], bias: true, parameterization: 'ntk', readoutBias: 0.5 };
const params = initParams(a, 3);
const n = 23;
const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.cos(0.7 * i + 0.1));

/** Runs the blocked kernel and assembles the full matrix from the upper blocks and their mirrors. */
async function assembled(options: EmpiricalNtkOptions, blockSize: number, cacheBlocks = 0): Promise<Float64Array> {
  const r = options.kernel === 'full' ? a.outputs : 1;
  const size = n * r;
  const out = new Float64Array(size * size);
  const parts = empiricalNtkParts(architectureNtkModel(a), options, params);
  await blockedKernel(parts, x, n, {
    blockSize,
    cacheBlocks,
    onBlock: async (block, values) => {
      const rows = (block.row1 - block.row0) * r;
      const cols = (block.col1 - block.col0) * r;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const [gi, gj] = [block.row0 * r + i, block.col0 * r + j];
          out[gi * size + gj] = values[i * cols + j];
          out[gj * size + gi] = values[i * cols + j];
        }
    },
  });
  return out;
}

describe('blocked kernel', () => {
  for (const implementation of ['structured', 'reference-f64'] as const)
    for (const kernel of ['trace', 'full'] as const)
      it(`${implementation} ${kernel}: blocks of 1, 4, 7, 23 and 40 samples equal the whole kernel bit for bit`, async () => {
        const options: EmpiricalNtkOptions = { implementation, kernel, engine: f64Engine };
        const whole = await empiricalNtkFn(architectureNtkModel(a), options)(x, undefined, params);
        for (const blockSize of [1, 4, 7, 23, 40]) expect(await assembled(options, blockSize, blockSize === 4 ? 2 : 0)).toEqual(whole);
      });

  it('the plan covers the upper block triangle once, row by row in snake order', () => {
    const blocks = planKernelBlocks(10, 3);
    expect(blocks.map((b) => [b.rowBlock, b.colBlock])).toEqual([
      [0, 0], [0, 1], [0, 2], [0, 3],
      [1, 3], [1, 2], [1, 1],
      [2, 2], [2, 3],
      [3, 3],
    ]);
    expect(blocks.map((b) => b.id)).toEqual(blocks.map((_, i) => i));
    expect(blocks.at(-1)).toMatchObject({ row0: 9, row1: 10, col0: 9, col1: 10 });
  });

  it('skips the blocks done and stops between blocks when cancelled', async () => {
    const parts = empiricalNtkParts(architectureNtkModel(a), { implementation: 'structured', kernel: 'trace', engine: f64Engine }, params);
    const seen: number[] = [];
    const controller = new AbortController();
    const run = blockedKernel(parts, x, n, {
      blockSize: 5,
      done: new Set([0, 2]),
      signal: controller.signal,
      onBlock: async (block) => {
        seen.push(block.id);
        if (seen.length === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'train/cancelled' });
    expect(seen).toEqual([1, 3, 4]);
  });

  it('sizes blocks to the budget and refuses, naming both sizes, when one sample does not fit', () => {
    const model = { n: 10_000, rowsPerSample: 1, featureBytesPerSample: 93_000, fixedBytes: 200e6 };
    const choice = chooseBlockSize(model, 2e9);
    expect(choice.blockSize).toBeLessThanOrEqual(MAX_BLOCK_ROWS);
    expect(choice.bytes).toBeLessThanOrEqual(2e9);
    expect(Math.ceil(10_000 / choice.blockSize)).toBe(4);
    const tight = chooseBlockSize(model, 500e6);
    expect(blockedKernelBytes(model, tight.blockSize)).toBeLessThanOrEqual(500e6);
    expect(blockedKernelBytes(model, tight.blockSize + 100)).toBeGreaterThan(500e6);
    expect(() => chooseBlockSize(model, 100e6)).toThrow(expect.objectContaining({ code: 'ntk/insufficient-memory', message: expect.stringMatching(/needs at least 191\.0 MiB .* but 95\.4 MiB is available/) }));
    expect(() => chooseBlockSize(model, 2e9, 9000)).toThrow(expect.objectContaining({ code: 'ntk/insufficient-memory', message: expect.stringContaining('one block of 9000 samples') }));
  });
});
