// How much memory a training run needs, estimated from its config before anything is allocated: the service and the
// CLI refuse a run that cannot fit (node/memory-guard.ts), and the New-run form shows the figure as the user types.
// Zod-free, so the renderer imports it directly. test/contract/run-memory.test.ts checks it against measured use.
import { DEFAULTS, type DatasetSize, datasetSizeOf, type DataShape, hiddenWidths, type KernelMode, type LossShape, type ModelShape, outputsFor, paramCountFor } from './run-config-rules';

const F32 = 4;
const F64 = 8;

/** Largest Jacobian block the generic eNTK keeps in memory (core/ntk/generic-ntk.ts); beyond it rows are recomputed. */
export const JACOBIAN_BLOCK_BYTES = 512 * 2 ** 20;

/**
 * The largest float32 copy of a kernel that a spectrum beyond the full-spectrum limit hands its engine for the Lanczos
 * products (core/linalg/spectrum.ts): half the float64 kernel again, up to 11585 rows; larger kernels take float64
 * products without a copy.
 */
export const HELD_SPECTRUM_COPY_MAX_BYTES = 512 * 2 ** 20;

/** float32 parameter sets the run keeps on the host: the initial set (for distances) and the one read back at a record. */
const PARAMETER_COPIES = 2;
/**
 * Parameter-sized float32 tensors alive at the peak of one optimiser step, the live parameters included: gradients,
 * transposed weights and the update's intermediates (tfjs keeps them until the step's tidy ends), plus Adam's two
 * moments. Measured with tf.profile's peakBytes on an FCN 32-512-512-512-1 (tfjs step engine): about 6.4 (GD), 4.6
 * (SGD, batch 32) and 19.0 (Adam) parameter sizes, activations included. The Fig. 1 network (8.0e6 parameters, 200
 * GD steps) raised the CLI's peak RSS by about 280 MiB over a tiny run with either step engine (onnxruntime or
 * tfjs), about 9 parameter sizes in all, hence 7 here with the 2 host copies.
 */
const STEP_COPIES = { gd: 7, sgd: 7, adam: 18 } as const;
/** Per layer the forward pass keeps its input and pre-activation for the backward pass, which adds one gradient. */
const ACTIVATION_COPIES = 3;

/** The parts of a run config the estimate reads (a RunConfig, or its input form with defaults left out). */
export interface MemoryConfigShape {
  readonly model: ModelShape & { readonly parameterization?: 'ntk' | 'standard' };
  readonly loss: LossShape;
  readonly data: DataShape;
  readonly optimizer: { readonly kind?: 'gd' | 'sgd' | 'adam'; readonly batchSize?: number };
  readonly ntk?: { readonly kernel?: KernelMode; readonly implementation?: 'structured' | 'generic'; readonly analytic?: 'derived' | 'printed' | 'none'; readonly circleSweep?: number };
  readonly logging?: { readonly fullSpectrumMax?: number };
}

/** Bytes by what holds them. */
export interface MemoryParts {
  /** float32 parameter sets kept on the host: the initial one and the one read back at a recorded step. */
  readonly parameters: number;
  /** The optimiser step's peak: live parameters, gradients, update intermediates, Adam's moments. */
  readonly optimizer: number;
  /** Kernels held across a snapshot: K_0, K_t, the analytic kernel, the copy a sink writes, the eigensolver's (float64 for the full spectrum, the held float32 copy for Lanczos). */
  readonly kernels: number;
  /** The training step's layer activations and their gradients for one batch. */
  readonly activations: number;
  /** The eNTK's working set: per-layer inputs and output gradients (structured) or Jacobian blocks (generic), and Grams. */
  readonly ntk: number;
  /** The training inputs in float64 and float32. */
  readonly data: number;
}

export interface MemoryEstimate {
  readonly bytes: number;
  readonly parts: MemoryParts;
  readonly paramCount: number;
  /** Rows of the recorded kernel: n k (full) or n (trace). */
  readonly kernelRows: number;
}

const isCount = (v: number | undefined): v is number => v !== undefined && Number.isInteger(v) && v > 0;

/**
 * The estimate for `config` on a dataset of `size` (default: what the config alone tells; file data needs the loaded
 * size). Null when a number it needs is missing or not a positive whole number. Cost: O(depth).
 */
export function estimateRunMemory(config: MemoryConfigShape, size: DatasetSize | null = datasetSizeOf(config.data)): MemoryEstimate | null {
  if (size === null || !isCount(size.n) || !isCount(size.d) || !isCount(size.classes)) return null;
  const { n, d } = size;
  const k = outputsFor(config.loss, size.classes);
  const widths = hiddenWidths(config.model);
  const paramCount = paramCountFor(config.model, d, k);
  if (widths === null || paramCount === null || !isCount(config.model.depth)) return null;
  const ntk = { ...DEFAULTS.ntk, ...config.ntk };
  const kernelRows = ntk.kernel === 'full' ? n * k : n;
  const rows2 = kernelRows * kernelRows;
  const fullSpectrum = kernelRows <= (config.logging?.fullSpectrumMax ?? DEFAULTS.logging.fullSpectrumMax);
  const analytic = ntk.analytic !== 'none' && (config.model.parameterization ?? DEFAULTS.model.parameterization) === 'ntk';
  // ResNet layers: the input map, then two per block, all of width m; the stream and the branch both stay alive.
  const layerWidths = config.model.arch === 'resnet' ? Array.from({ length: 2 * config.model.depth + 1 }, () => widths[0]) : widths;
  const sumWidths = layerWidths.reduce((s, w) => s + w, 0);
  const maxWidth = Math.max(...layerWidths);
  const batch = config.optimizer.kind === 'sgd' && isCount(config.optimizer.batchSize) ? Math.min(config.optimizer.batchSize, n) : n;

  /** Working set of one kernel evaluation over `samples` inputs that fills `gramEntries` kernel entries. */
  const ntkSet = (samples: number, gramEntries: number): number => {
    const grams = F64 * (gramEntries + samples * samples);
    if (ntk.implementation === 'generic') return Math.min(F32 * samples * k * paramCount, JACOBIAN_BLOCK_BYTES) + F32 * paramCount + grams;
    // Every layer's input per sample, and the output gradients of two adjacent layers per (sample, output).
    return F32 * samples * (d + sumWidths) + 2 * F32 * samples * k * maxWidth + grams;
  };
  const sweep = ntk.circleSweep ?? 0;
  const parts: MemoryParts = {
    parameters: PARAMETER_COPIES * F32 * paramCount,
    optimizer: STEP_COPIES[config.optimizer.kind ?? DEFAULTS.optimizer.kind] * F32 * paramCount,
    kernels: F64 * rows2 * (3 + (analytic ? 1 : 0) + (fullSpectrum ? 2 : 0)) + (!fullSpectrum && F32 * rows2 <= HELD_SPECTRUM_COPY_MAX_BYTES ? F32 * rows2 : 0),
    activations: ACTIVATION_COPIES * F32 * batch * (d + sumWidths + k),
    ntk: Math.max(ntkSet(n, rows2), sweep > 0 ? ntkSet(sweep + 1, sweep) : 0),
    data: (F64 + F32) * n * d,
  };
  const bytes = Object.values(parts).reduce((s, v) => s + v, 0);
  return { bytes, parts, paramCount, kernelRows };
}

/** A size in bytes in binary units: 1536 -> '1.5 KiB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** '2GB' -> 2e9, '1.5GiB' -> 1.5 * 2^30, '512M' -> 512 * 2^20, '1000' -> 1000; null when it is not a size. */
export function parseBytes(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return null;
  const unit = BYTE_UNITS[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? null : Math.round(Number(match[1]) * unit);
}

/**
 * Why `text` is not a memory budget for a blocked kernel ('2GB', '1.5GiB', '800M', bytes), or null when it is one:
 * the one rule the import config's schema and the Import view's field both apply.
 */
export function memoryBudgetProblem(text: string): string | null {
  const bytes = parseBytes(text);
  if (bytes === null) return `"${text}" is not a memory size: write a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB, K, M, G), e.g. 2GB or 512MiB`;
  if (bytes < 2 ** 20) return `"${text}" is ${bytes} bytes: a kernel budget must be at least 1 MiB`;
  return null;
}
