// The ONNX-import services the CLI calls and the app's Import view will call: inspect a model and its eNTK on a probe
// set (validated against onnxruntime first); drift across a checkpoint series is checkpoint-drift.ts. Plain-data results.
import { secondsSince, zeroTimings, type StageTimings } from '../../../contract/stage-timings';
import { createHash } from 'node:crypto';
import type { ParamSet } from '../../../core/models/params';
import type { KernelMode } from '../../../core/ntk/kernel-types';
import { empiricalNtkParts } from '../../../core/ntk/empirical-ntk';
import { availableMemory } from '../../memory-guard';
import { writeBlockedKernel, type BlockProgress, type KernelSidecar } from '../../kernel-file/blocked-kernel-file';
import type { KernelFileDtype } from '../../kernel-file/npy-block-file';
import { matchFcn } from './fcn-chain';
import { importedNtk, importedNtkSetup, type ImportedNtk, type NtkDtype } from './imported-ntk';
import type { ModelSummary } from './imported-model';
import type { ImportOptions } from './import-options';
import { openModel, type ModelSource } from './model-source';
import { DEFAULT_TOLERANCE, validateAgainstOrt, type Tolerance, type ValidationReport } from './ort-validation';
import type { ImportParamDto } from '../../../contract/api';
import { checkProbeFits, withProbeBindings, type ProbeSet } from './probe-set';
import { saturationWarning } from './saturation';

export interface ModelInspection {
  readonly summary: ModelSummary;
  readonly inputShape: readonly number[];
  readonly outputs: number;
  readonly params: readonly ImportParamDto[];
  /** 'fcn' when the structured kernel and the float64 path apply. */
  readonly structured: 'fcn' | null;
}

/** Opens a model and describes it (ops, parameters, constants, batch handling) without computing anything else. */
export async function inspectModel(source: ModelSource, options: ImportOptions = {}): Promise<ModelInspection> {
  const model = await openModel(source, options);
  try {
    return { summary: model.summary, inputShape: model.inputShape, outputs: model.outputs, params: model.paramInfo, structured: matchFcn(model) ? 'fcn' : null };
  } finally {
    model.dispose();
  }
}

export interface NtkRequest extends ImportOptions {
  readonly kernel: KernelMode;
  readonly dtype?: NtkDtype;
  readonly tolerance?: Tolerance;
}

export interface NtkReport extends ImportedNtk {
  readonly summary: ModelSummary;
  readonly validation: Omit<ValidationReport, 'outputs'>;
  /** Seconds in translate, check, kernel and spectrum (read and write are the caller's). */
  readonly timings: StageTimings;
  /** Why the kernel may mislead (saturated outputs); empty when there is nothing to say. */
  readonly warnings: readonly string[];
}

/**
 * The model opened for this probe, after the probe-fit check and the onnxruntime check on the probe's first
 * `checkSamples` samples (which refuses a bad translation), with the seconds of both. The caller disposes the model.
 */
async function openChecked(source: ModelSource, probe: ProbeSet, request: NtkRequest, checkSamples = probe.n) {
  let t0 = performance.now();
  const model = await openModel(source, withProbeBindings({ ...request, inputShape: request.inputShape ?? probe.sampleShape }, probe));
  try {
    const translate = secondsSince(t0);
    checkProbeFits(probe, model.inputShape, model.summary.identifier);
    t0 = performance.now();
    const checked = Math.min(probe.n, checkSamples);
    const x = probe.x.subarray(0, checked * (probe.x.length / probe.n));
    const { outputs, ...validation } = await validateAgainstOrt(model, x, checked, request.tolerance ?? DEFAULT_TOLERANCE);
    return { model, outputs, validation, translate, check: secondsSince(t0) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** eNTK of one model on a probe set, after the onnxruntime check (which refuses a bad translation). */
export async function modelNtk(source: ModelSource, probe: ProbeSet, request: NtkRequest): Promise<NtkReport> {
  const { model, outputs, validation, translate, check } = await openChecked(source, probe, request);
  try {
    const ntk = await importedNtk(model, probe.x, probe.n, { kernel: request.kernel, dtype: request.dtype, outputs });
    const timings = { ...zeroTimings(), translate, check, kernel: (ntk.ms - ntk.spectrumMs) / 1000, spectrum: ntk.spectrumMs / 1000 };
    const warning = saturationWarning(model, ntk.outputs);
    return { ...ntk, summary: model.summary, validation, timings, warnings: warning ? [warning] : [] };
  } finally {
    model.dispose();
  }
}

export interface NtkFileRequest extends NtkRequest {
  /** The .npy to write; its sidecar is `${out}.json`. */
  readonly out: string;
  /** Values in the file (default float64). */
  readonly fileDtype?: KernelFileDtype;
  /** Bytes the whole process may hold (default: what it holds now plus 3/4 of the host's free memory). */
  readonly memoryBytes?: number;
  readonly blockSize?: number;
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  onProgress?(progress: BlockProgress): void;
}

export interface NtkFileReport {
  readonly summary: ModelSummary;
  readonly validation: Omit<ValidationReport, 'outputs'>;
  readonly implementation: string;
  readonly sidecar: KernelSidecar;
  /** The model's parameters (plain float32 copies, valid after the model is released): norms and distances. */
  readonly params: ParamSet;
  readonly timings: StageTimings;
  readonly warnings: readonly string[];
}

/** Samples of the probe the onnxruntime check runs on before a blocked kernel (the kernel itself may take hours). */
const FILE_CHECK_SAMPLES = 256;

/** sha256 of what decides a kernel's values: parameters, graph identity, probe and kernel options. */
function kernelHash(parts: readonly (string | ArrayBufferView)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(typeof part === 'string' ? part : new Uint8Array(part.buffer, part.byteOffset, part.byteLength)).update('\0');
  return hash.digest('hex');
}

/**
 * eNTK of one model on a probe set of any size, in blocks, into a .npy with its sidecar (node/kernel-file). The
 * onnxruntime check runs on the first samples only. Throws ntk/insufficient-memory, train/cancelled (the file keeps
 * the finished blocks; `resume` continues it) and ntk/resume-mismatch.
 */
export async function modelNtkToFile(source: ModelSource, probe: ProbeSet, request: NtkFileRequest): Promise<NtkFileReport> {
  const { model, outputs, validation, translate, check } = await openChecked(source, probe, request, FILE_CHECK_SAMPLES);
  try {
    const t0 = performance.now();
    const setup = await importedNtkSetup(model, { dtype: request.dtype });
    const params = model.initialParams;
    const parts = empiricalNtkParts(setup.ntkModel, { implementation: setup.implementation, kernel: request.kernel, engine: setup.engine, signal: request.signal }, params);
    const fileDtype = request.fileDtype ?? 'float64';
    const hash = kernelHash([
      model.summary.identifier,
      JSON.stringify({ kernel: request.kernel, dtype: request.dtype ?? 'float32', fileDtype, implementation: setup.implementation, output: model.summary.outputName, n: probe.n }),
      ...params.flatMap((p) => [p.name, p.values]),
      probe.x,
    ]);
    const held = process.memoryUsage().rss;
    const sidecar = await writeBlockedKernel({
      parts,
      x: probe.x,
      n: probe.n,
      k: model.outputs,
      kernel: request.kernel,
      out: request.out,
      dtype: fileDtype,
      budgetBytes: request.memoryBytes ?? held + Math.floor(0.75 * availableMemory()),
      fixedBytes: held,
      blockSize: request.blockSize,
      resume: request.resume,
      hash,
      source: { model: model.summary.identifier, probe: probe.source, implementation: setup.implementation },
      signal: request.signal,
      onProgress: request.onProgress,
    });
    const timings = { ...zeroTimings(), translate, check, kernel: secondsSince(t0) };
    const warning = saturationWarning(model, Float64Array.from(outputs));
    return { summary: model.summary, validation, implementation: setup.implementation, sidecar, params, timings, warnings: warning ? [warning] : [] };
  } finally {
    model.dispose();
  }
}
