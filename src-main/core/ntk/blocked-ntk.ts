// Kernels over more samples than fit in memory at once: K [n r, n r] (r = k for a full kernel, 1 for a class trace)
// computed in square sample blocks sized to a memory budget, the upper block triangle only (the caller mirrors), each
// finished block handed to the caller (who streams it to disk) and cancellable between blocks. A block's per-sample
// work (empiricalNtkParts.features) is computed once and kept in a small LRU cache; the blocks are visited row by row
// in snake order, so each row starts with the column blocks the previous row ended with.
import { CodedError } from '../../contract/result';
import { formatBytes } from '../../contract/run-memory';
import type { NtkParts, SampleFeatures } from './empirical-ntk';

/** One block of the upper triangle: samples [row0, row1) x [col0, col1), col0 >= row0. */
export interface KernelBlock {
  /** Position in the plan; stable for a given (n, blockSize), so a resumed kernel can name the blocks it has. */
  readonly id: number;
  readonly rowBlock: number;
  readonly colBlock: number;
  readonly row0: number;
  readonly row1: number;
  readonly col0: number;
  readonly col1: number;
}

/** The upper-triangle blocks of an n-sample kernel in blocks of `blockSize` samples, in snake order. */
export function planKernelBlocks(n: number, blockSize: number): KernelBlock[] {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new CodedError('config/invalid', `a kernel block needs at least one sample (got ${blockSize})`);
  const count = Math.ceil(n / blockSize);
  const blocks: KernelBlock[] = [];
  for (let i = 0; i < count; i++) {
    const cols = Array.from({ length: count - i }, (_, c) => i + c);
    if (i % 2 === 1) cols.reverse();
    for (const j of cols)
      blocks.push({ id: blocks.length, rowBlock: i, colBlock: j, row0: i * blockSize, row1: Math.min(n, (i + 1) * blockSize), col0: j * blockSize, col1: Math.min(n, (j + 1) * blockSize) });
  }
  return blocks;
}

export interface BlockMemoryModel {
  readonly n: number;
  /** Kernel rows per sample: k for a full kernel, 1 for a class trace. */
  readonly rowsPerSample: number;
  /** NtkParts.featureBytesPerSample. */
  readonly featureBytesPerSample: number;
  /** Held whatever the block size: the probe inputs, the parameters, the runtime. */
  readonly fixedBytes: number;
}

// A block pair holds its float64 result and up to two float32 Grams of the same size (layer terms) in flight, plus
// the engine's output copy: 24 bytes per kernel entry. Features: the row block, the column block and one block being
// built (the forward pass allocates about as much again as it keeps).
const PAIR_BYTES_PER_ENTRY = 24;
const FEATURE_BLOCKS_IN_FLIGHT = 3;
/** Largest block side in kernel rows: bigger blocks gain little GEMM speed and lose the triangle saving and progress. */
export const MAX_BLOCK_ROWS = 2560;

/** Bytes the blocked kernel needs with blocks of b samples and `cached` extra feature blocks. */
export function blockedKernelBytes(model: BlockMemoryModel, b: number, cached = 0): number {
  const rows = b * model.rowsPerSample;
  return model.fixedBytes + PAIR_BYTES_PER_ENTRY * rows * rows + (FEATURE_BLOCKS_IN_FLIGHT + cached) * b * model.featureBytesPerSample;
}

export interface BlockChoice {
  readonly blockSize: number;
  /** Feature blocks the LRU cache may keep beyond those in flight. */
  readonly cacheBlocks: number;
  /** blockedKernelBytes at that choice. */
  readonly bytes: number;
}

function insufficient(bytes: number, budget: number, what: string): CodedError {
  return new CodedError(
    'ntk/insufficient-memory',
    `the blocked kernel needs at least ${formatBytes(bytes)} (${what}, with the probe set and parameters) but ${formatBytes(budget)} is available; give --memory more, smaller blocks or fewer samples`,
  );
}

/**
 * The largest block (at most MAX_BLOCK_ROWS kernel rows, evened out over the blocks), or `blockSize` samples when
 * given, whose working set fits `budget` bytes, and as many cached feature blocks as the rest allows. Throws
 * ntk/insufficient-memory, naming the bytes needed and the budget, when even one block (of one sample, or of
 * `blockSize`) does not fit.
 */
export function chooseBlockSize(model: BlockMemoryModel, budget: number, blockSize?: number): BlockChoice {
  let size: number;
  if (blockSize !== undefined) {
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new CodedError('config/invalid', `a kernel block needs at least one sample (got ${blockSize})`);
    size = Math.min(blockSize, model.n);
    if (blockedKernelBytes(model, size) > budget) throw insufficient(blockedKernelBytes(model, size), budget, `one block of ${size} samples`);
  } else {
    if (blockedKernelBytes(model, 1) > budget) throw insufficient(blockedKernelBytes(model, 1), budget, 'one block of one sample');
    let lo = 1;
    let hi = Math.max(1, Math.min(model.n, Math.floor(MAX_BLOCK_ROWS / model.rowsPerSample)));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (blockedKernelBytes(model, mid) <= budget) lo = mid;
      else hi = mid - 1;
    }
    size = Math.ceil(model.n / Math.ceil(model.n / lo));
  }
  const count = Math.ceil(model.n / size);
  const perBlock = size * model.featureBytesPerSample;
  const spare = budget - blockedKernelBytes(model, size);
  const cacheBlocks = perBlock > 0 ? Math.max(0, Math.min(count, Math.floor(spare / perBlock))) : count;
  return { blockSize: size, cacheBlocks, bytes: blockedKernelBytes(model, size, cacheBlocks) };
}

export interface BlockedKernelOptions {
  readonly blockSize: number;
  /** Feature blocks kept beyond the two in use (LRU); default 0. */
  readonly cacheBlocks?: number;
  /** Blocks already computed (a resumed kernel): skipped. */
  readonly done?: ReadonlySet<number>;
  /** Checked before each block: CodedError train/cancelled once aborted. */
  readonly signal?: AbortSignal;
  /**
   * A finished block [(row1 - row0) r, (col1 - col0) r] row-major float64, r the kernel rows per sample. Awaited
   * before the next block starts, so the caller may write it out; a diagonal block is complete, an off-diagonal one
   * stands for its mirror too.
   */
  onBlock(block: KernelBlock, values: Float64Array): Promise<void>;
}

/** LRU of feature blocks by block index: insertion order of a Map is its recency. */
function featureCache(parts: NtkParts, x: Float64Array, n: number, blockSize: number, capacity: number) {
  const sampleSize = x.length / n;
  const cache = new Map<number, SampleFeatures>();
  return async (index: number, keep: number): Promise<SampleFeatures> => {
    const hit = cache.get(index);
    if (hit) {
      cache.delete(index);
      cache.set(index, hit);
      return hit;
    }
    const start = index * blockSize;
    const end = Math.min(n, start + blockSize);
    const features = await parts.features(x.subarray(start * sampleSize, end * sampleSize));
    cache.set(index, features);
    // `keep` (the row block in use) is never evicted; the oldest other entries go.
    for (const key of cache.keys()) {
      if (cache.size <= capacity + 2) break;
      if (key !== keep && key !== index) cache.delete(key);
    }
    return features;
  };
}

/**
 * Computes every block of K(x, x) not in `done`, x [n, ...] float64 row-major, through `parts` (whose layout and trace
 * normalisation the blocks have). Cost: the upper block triangle, (nb + 1) / (2 nb) of the full kernel's cross work for
 * nb blocks a side, plus features for each block once while the cache holds it (up to once per pair otherwise).
 */
export async function blockedKernel(parts: NtkParts, x: Float64Array, n: number, options: BlockedKernelOptions): Promise<void> {
  const { blockSize, done, signal } = options;
  const features = featureCache(parts, x, n, blockSize, options.cacheBlocks ?? 0);
  for (const block of planKernelBlocks(n, blockSize)) {
    if (done?.has(block.id)) continue;
    if (signal?.aborted) throw new CodedError('train/cancelled', `the kernel was cancelled after ${block.id} of its blocks`);
    const rows = await features(block.rowBlock, block.rowBlock);
    const values = block.colBlock === block.rowBlock ? await parts.cross(rows) : await parts.cross(rows, await features(block.colBlock, block.rowBlock));
    await options.onBlock(block, values);
  }
}
