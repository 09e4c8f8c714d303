// NTK drift across a checkpoint series of one architecture: per checkpoint the parameter norm and distance from the
// first, the kernel's relative Frobenius drift from the first, its extreme eigenvalues and how far the outputs moved.
// Each checkpoint is imported, checked against onnxruntime, measured, handed to onEntry and released before the next;
// an aborted signal stops the series between checkpoints (or before a kernel) with the entries measured so far.
import { basename, extname } from 'node:path';
import { CodedError } from '../../../contract/result';
import { secondsSince, zeroTimings, type StageTimings } from '../../../contract/stage-timings';
import { paramDistance, paramNorm, type ParamSet } from '../../../core/models/params';
import type { KernelMode } from '../../../core/ntk/kernel-types';
import { frobenius } from '../../../core/linalg/norms';
import type { NtkImplementation } from '../../../core/ntk/kernel-types';
import { importedNtk, type SpectrumRecord } from './imported-ntk';
import type { ImportedModel, ModelSummary } from './imported-model';
import type { ImportOptions } from './import-options';
import { openModel, sourceName, type ModelSource } from './model-source';
import { saturationWarning } from './saturation';
import { DEFAULT_TOLERANCE, validateAgainstOrt, type Tolerance } from './ort-validation';
import { checkProbeFits, withProbeBindings, type ProbeSet } from './probe-set';

export interface DriftOptions extends ImportOptions {
  /** Kernel the drift and spectrum are measured on (default trace). */
  readonly kernel?: KernelMode;
  /** Steps per checkpoint; default from the file names (last number), else the index. */
  readonly steps?: readonly number[];
  /** 'step' (default): sort by step when every checkpoint has one; 'given': keep the order given. */
  readonly order?: 'step' | 'given';
  readonly tolerance?: Tolerance;
  /** Checked before each checkpoint, before each kernel and between a generic kernel's Jacobian rows; once aborted the report holds the entries so far. */
  readonly signal?: AbortSignal;
  /**
   * Called with each checkpoint's entry as soon as it is measured (index in the sorted series), and the kernel it
   * was measured on (the `kernel` option's, float64) with its eigenvalues when all were computed; not kept after.
   */
  readonly onEntry?: (entry: DriftEntry, index: number, total: number, snapshot: DriftKernel) => void;
}

export interface DriftEntry {
  readonly file: string;
  readonly step: number;
  readonly paramNorm: number;
  /** ||theta_t - theta_0||_2. */
  readonly paramDistance: number;
  /** ||K_t - K_0||_F / ||K_0||_F. */
  readonly relDrift: number;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** How lambdaMin and lambdaMax were found (full spectrum, or Lanczos with its Ritz residuals). */
  readonly spectrum: SpectrumRecord;
  /** ||f_t - f_0||_F / ||f_0||_F over the probe outputs. */
  readonly outputChange: number;
  readonly maxAbsOutputChange: number;
  /** f_t(x) [n][k]. */
  readonly outputs: number[][];
  readonly validation: { readonly maxAbsError: number; readonly maxRelError: number };
  /** Why this checkpoint's kernel may mislead (saturated outputs); absent when there is nothing to say. */
  readonly warnings?: readonly string[];
  readonly implementation: NtkImplementation;
  readonly ms: number;
  /** This checkpoint's seconds in translate, check, kernel and spectrum (read and write belong to the series). */
  readonly timings: StageTimings;
}

export interface DriftKernel {
  readonly kind: KernelMode;
  /** [rows, rows] row-major. */
  readonly rows: number;
  readonly kernel: Float64Array;
  readonly eigenvalues?: Float64Array;
}

export interface DriftReport {
  readonly kernel: KernelMode;
  readonly probe: { readonly source: string; readonly n: number; readonly sampleShape: readonly number[] };
  /** Absent only when cancelled before the first checkpoint was measured. */
  readonly model?: Pick<ModelSummary, 'producer' | 'opset' | 'paramCount' | 'skippedOutputOp'> & { readonly inputShape: readonly number[]; readonly outputs: number };
  readonly entries: readonly DriftEntry[];
  /** The signal stopped the series before its last checkpoint. */
  readonly cancelled: boolean;
}

export interface DriftProgress {
  readonly index: number;
  readonly total: number;
  readonly file: string;
  readonly stage: 'import' | 'validate' | 'kernel' | 'done';
}

/** The last integer in a file name (ckpt-000300.onnx -> 300, epoch_12.onnx -> 12), if any. */
export function stepFromName(file: string): number | undefined {
  const match = /(\d+)(?!.*\d)/.exec(basename(file, extname(file)));
  return match ? Number(match[1]) : undefined;
}

/** The series in measuring order with each checkpoint's step (the blocked import job orders its series the same way). */
export function orderCheckpoints(sources: readonly ModelSource[], options: Pick<DriftOptions, 'steps' | 'order'>): { source: ModelSource; step: number }[] {
  if (options.steps && options.steps.length !== sources.length)
    throw new CodedError('config/invalid', `${options.steps.length} steps given for ${sources.length} checkpoints`);
  const parsed = sources.map((s) => stepFromName(sourceName(s)));
  const named = parsed.every((s) => s !== undefined);
  const items = sources.map((source, i) => ({ source, step: options.steps?.[i] ?? (named ? (parsed[i] as number) : i) }));
  return (options.order ?? 'step') === 'step' && (options.steps || named) ? [...items].sort((a, b) => a.step - b.step) : items;
}

function sameArchitecture(first: ImportedModel, other: ImportedModel): string | undefined {
  if (first.params.length !== other.params.length) return `${other.params.length} parameters instead of ${first.params.length}`;
  for (const [i, p] of first.params.entries()) {
    const q = other.params[i];
    if (q.name !== p.name || q.shape.join() !== p.shape.join()) return `parameter ${q.name} [${q.shape.join(', ')}] where the first has ${p.name} [${p.shape.join(', ')}]`;
  }
  if (first.outputs !== other.outputs) return `${other.outputs} outputs instead of ${first.outputs}`;
  if (first.inputShape.join() !== other.inputShape.join()) return `input [${other.inputShape.join(', ')}] instead of [${first.inputShape.join(', ')}]`;
  return undefined;
}

function rows(values: Float64Array, n: number, k: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * k, (i + 1) * k)));
}

/**
 * Drift of a checkpoint series on a probe set. The first checkpoint (after ordering) is the reference.
 * Cost per checkpoint: one import, two forward passes for validation and one eNTK (see importedNtk). A cancel stops a
 * generic kernel within one Jacobian row; a structured one (milliseconds to seconds) finishes first.
 */
export async function checkpointDrift(sources: readonly ModelSource[], probe: ProbeSet, options: DriftOptions = {}, onProgress?: (p: DriftProgress) => void): Promise<DriftReport> {
  if (sources.length === 0) throw new CodedError('config/invalid', 'a drift needs at least one checkpoint');
  const kernel = options.kernel ?? 'trace';
  const items = orderCheckpoints(sources, options);
  const entries: DriftEntry[] = [];
  let first: { model: ImportedModel; params: ParamSet; kernel: Float64Array; outputs: Float64Array } | undefined;
  let summary: DriftReport['model'] | undefined;
  try {
    for (const [index, { source, step }] of items.entries()) {
      if (options.signal?.aborted) break;
      const file = sourceName(source);
      const report = (stage: DriftProgress['stage']) => onProgress?.({ index, total: items.length, file, stage });
      report('import');
      let t0 = performance.now();
      const model = await openModel(source, withProbeBindings({ ...options, inputShape: options.inputShape ?? probe.sampleShape }, probe));
      try {
        if (first) {
          const difference = sameArchitecture(first.model, model);
          if (difference) throw new CodedError('import/series-mismatch', `${file} is not the architecture of ${sourceName(items[0].source)}: ${difference}`);
        }
        const translate = secondsSince(t0);
        checkProbeFits(probe, model.inputShape, file);
        report('validate');
        t0 = performance.now();
        const validation = await validateAgainstOrt(model, probe.x, probe.n, options.tolerance ?? DEFAULT_TOLERANCE);
        const check = secondsSince(t0);
        if (options.signal?.aborted) break;
        report('kernel');
        let ntk: Awaited<ReturnType<typeof importedNtk>>;
        try {
          ntk = await importedNtk(model, probe.x, probe.n, { kernel, signal: options.signal, outputs: validation.outputs });
        } catch (error) {
          if (options.signal?.aborted && error instanceof CodedError && error.code === 'train/cancelled') break;
          throw error;
        }
        const k = kernel === 'full' ? (ntk.ntk as Float64Array) : ntk.trace;
        if (!first) {
          first = { model, params: model.initialParams, kernel: k, outputs: ntk.outputs };
          summary = { producer: model.summary.producer, opset: model.summary.opset, paramCount: model.summary.paramCount, skippedOutputOp: model.summary.skippedOutputOp, inputShape: model.inputShape, outputs: model.outputs };
        }
        let maxAbsOutputChange = 0;
        for (let i = 0; i < ntk.outputs.length; i++) maxAbsOutputChange = Math.max(maxAbsOutputChange, Math.abs(ntk.outputs[i] - first.outputs[i]));
        const entry: DriftEntry = {
          file,
          step,
          paramNorm: paramNorm(model.initialParams),
          paramDistance: paramDistance(model.initialParams, first.params).l2,
          relDrift: frobenius(k, first.kernel) / frobenius(first.kernel),
          lambdaMin: ntk.lambdaMin,
          lambdaMax: ntk.lambdaMax,
          spectrum: ntk.spectrum,
          outputChange: frobenius(ntk.outputs, first.outputs) / frobenius(first.outputs),
          maxAbsOutputChange,
          outputs: rows(ntk.outputs, probe.n, model.outputs),
          validation: { maxAbsError: validation.maxAbsError, maxRelError: validation.maxRelError },
          implementation: ntk.implementation,
          ms: ntk.ms,
          timings: { ...zeroTimings(), translate, check, kernel: (ntk.ms - ntk.spectrumMs) / 1000, spectrum: ntk.spectrumMs / 1000 },
        };
        const warning = saturationWarning(model, ntk.outputs);
        entries.push(warning ? { ...entry, warnings: [warning] } : entry);
        options.onEntry?.(entries[entries.length - 1], index, items.length, { kind: kernel, rows: kernel === 'full' ? probe.n * model.outputs : probe.n, kernel: k, eigenvalues: ntk.spectrumOf === kernel ? ntk.eigenvalues : undefined });
        report('done');
      } finally {
        if (first?.model !== model) model.dispose();
      }
    }
  } finally {
    first?.model.dispose();
  }
  // Only a break (the signal) leaves the loop early without throwing.
  return { kernel, probe: { source: probe.source, n: probe.n, sampleShape: probe.sampleShape }, model: summary, entries, cancelled: entries.length < items.length };
}
