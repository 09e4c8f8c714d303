// A dataset-scale kernel written to disk: core's blockedKernel computes the upper block triangle within a memory
// budget, each block goes into the .npy (npy-block-file.ts) and its mirror, then the JSON sidecar beside it
// (`K.npy.json`) records the block done. A cancelled kernel keeps its sidecar; `resume` reopens both, checks the
// sidecar's hash of model, probe and config, and computes only the blocks it does not list.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CodedError } from '../../contract/result';
import { blockedKernel, chooseBlockSize, planKernelBlocks, type BlockChoice, type KernelBlock } from '../../core/ntk/blocked-ntk';
import type { NtkParts } from '../../core/ntk/empirical-ntk';
import type { KernelMode, TraceNormalization } from '../../core/ntk/kernel-types';
import { writeFileAtomic } from '../atomic-write';
import { openNpyBlockFile, type KernelFileDtype } from './npy-block-file';

export const SIDECAR_FORMAT = 'ntk-workbench/blocked-kernel@1';

export interface KernelSidecar {
  readonly format: typeof SIDECAR_FORMAT;
  /** The .npy's file name (same folder). */
  readonly file: string;
  readonly shape: [number, number];
  readonly dtype: KernelFileDtype;
  readonly byteOrder: 'little-endian';
  readonly ordering: string;
  readonly kernel: KernelMode;
  readonly trace: string;
  readonly n: number;
  readonly k: number;
  /** sha256 over the model's parameters, the probe and the kernel config: a resume must match it. */
  readonly hash: string;
  readonly source: Readonly<Record<string, string>>;
  readonly blockSize: number;
  readonly blocks: { readonly total: number; readonly done: readonly number[] };
  /** Every block written: the file holds the whole kernel. */
  readonly complete: boolean;
  readonly memory: { readonly budgetBytes: number; readonly plannedBytes: number; readonly cachedFeatureBlocks: number };
  /** Compute seconds summed over the sessions that wrote blocks. */
  readonly seconds: number;
  /** Added by whoever computes the spectrum of the finished file. */
  readonly spectrum?: unknown;
}

export const sidecarPath = (npyPath: string): string => `${npyPath}.json`;

export async function readKernelSidecar(npyPath: string): Promise<KernelSidecar> {
  let text: string;
  try {
    text = await readFile(sidecarPath(npyPath), 'utf8');
  } catch {
    throw new CodedError('data/not-found', `nothing to resume: ${sidecarPath(npyPath)} does not exist (a blocked kernel writes it beside its .npy)`);
  }
  const sidecar = JSON.parse(text) as KernelSidecar;
  if (sidecar.format !== SIDECAR_FORMAT) throw new CodedError('ntk/resume-mismatch', `${sidecarPath(npyPath)} is not a blocked-kernel sidecar (${SIDECAR_FORMAT})`);
  return sidecar;
}

export const writeKernelSidecar = (npyPath: string, sidecar: KernelSidecar): Promise<void> => writeFileAtomic(sidecarPath(npyPath), `${JSON.stringify(sidecar, null, 2)}\n`);

export interface BlockProgress {
  readonly block: KernelBlock;
  /** Blocks in the file now, this one included. */
  readonly done: number;
  readonly total: number;
  /** Seconds since this session started. */
  readonly seconds: number;
}

export interface BlockedKernelFileOptions {
  readonly parts: NtkParts;
  /** [n, ...] float64 row-major. */
  readonly x: Float64Array;
  readonly n: number;
  readonly k: number;
  readonly kernel: KernelMode;
  readonly traceNormalization?: TraceNormalization;
  readonly out: string;
  readonly dtype: KernelFileDtype;
  /** Bytes the kernel may use; the blocks are sized to it (ignored on resume: the file's block size holds). */
  readonly budgetBytes: number;
  /** Held whatever the blocks: probe, parameters, runtime. */
  readonly fixedBytes: number;
  /** Samples per block instead of the budget's choice (still refused when it does not fit). */
  readonly blockSize?: number;
  readonly resume?: boolean;
  readonly hash: string;
  readonly source: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  onProgress?(progress: BlockProgress): void;
}

function traceConvention(kernel: KernelMode, normalization: TraceNormalization | undefined): string {
  if (kernel === 'full') return 'full kernel, not traced';
  return `class trace [n, n]: the k diagonal output blocks ${normalization === 'mean' ? 'averaged (divided by k, as neural-tangents)' : 'summed (the paper)'}`;
}

/**
 * Computes K(x, x) into `out` (.npy, [n r, n r], r = k full or 1 trace, sample-major) and its sidecar, block by block.
 * Throws ntk/insufficient-memory before writing anything when one block cannot fit, train/cancelled when the signal
 * aborts (the file and sidecar then hold the finished blocks), ntk/resume-mismatch when `resume` finds another kernel.
 */
export async function writeBlockedKernel(options: BlockedKernelFileOptions): Promise<KernelSidecar> {
  const rowsPerSample = options.kernel === 'full' ? options.k : 1;
  const size = options.n * rowsPerSample;
  const memory = { n: options.n, rowsPerSample, featureBytesPerSample: options.parts.featureBytesPerSample, fixedBytes: options.fixedBytes };
  let sidecar: KernelSidecar;
  let choice: BlockChoice;
  if (options.resume) {
    const previous = await readKernelSidecar(options.out);
    if (previous.hash !== options.hash)
      throw new CodedError('ntk/resume-mismatch', `${sidecarPath(options.out)} belongs to another kernel (model, probe set or kernel options differ); start it again without --resume`);
    choice = chooseBlockSize(memory, options.budgetBytes, previous.blockSize);
    sidecar = previous;
  } else {
    choice = chooseBlockSize(memory, options.budgetBytes, options.blockSize);
    const total = planKernelBlocks(options.n, choice.blockSize).length;
    sidecar = {
      format: SIDECAR_FORMAT,
      file: basename(options.out),
      shape: [size, size],
      dtype: options.dtype,
      byteOrder: 'little-endian',
      ordering: options.kernel === 'full' ? 'sample-major: row i * k + a is output a of sample i' : 'one row per sample, in probe order',
      kernel: options.kernel,
      trace: traceConvention(options.kernel, options.traceNormalization),
      n: options.n,
      k: options.k,
      hash: options.hash,
      source: options.source,
      blockSize: choice.blockSize,
      blocks: { total, done: [] },
      complete: false,
      memory: { budgetBytes: options.budgetBytes, plannedBytes: choice.bytes, cachedFeatureBlocks: choice.cacheBlocks },
      seconds: 0,
    };
  }
  const file = openNpyBlockFile(options.out, size, options.dtype, options.resume ? 'resume' : 'create');
  const done = new Set(sidecar.blocks.done);
  const start = performance.now();
  const secondsBefore = sidecar.seconds;
  const save = (complete: boolean): Promise<void> => {
    sidecar = { ...sidecar, blocks: { total: sidecar.blocks.total, done: [...done].sort((a, b) => a - b) }, complete, seconds: secondsBefore + (performance.now() - start) / 1000 };
    return writeKernelSidecar(options.out, sidecar);
  };
  try {
    if (!options.resume) await save(false);
    await blockedKernel(options.parts, options.x, options.n, {
      blockSize: choice.blockSize,
      cacheBlocks: choice.cacheBlocks,
      done,
      signal: options.signal,
      onBlock: async (block, values) => {
        const r0 = block.row0 * rowsPerSample;
        const c0 = block.col0 * rowsPerSample;
        const rows = (block.row1 - block.row0) * rowsPerSample;
        const cols = (block.col1 - block.col0) * rowsPerSample;
        file.writeBlock(r0, c0, rows, cols, values, block.colBlock !== block.rowBlock);
        file.sync();
        done.add(block.id);
        await save(done.size === sidecar.blocks.total);
        options.onProgress?.({ block, done: done.size, total: sidecar.blocks.total, seconds: (performance.now() - start) / 1000 });
      },
    });
    if (!sidecar.complete) await save(true);
  } finally {
    file.close();
  }
  return sidecar;
}
