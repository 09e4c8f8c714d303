// The ONNX-import services the CLI calls and the app's Import view will call: inspect a model and its eNTK on a probe
// set (validated against onnxruntime first); drift across a checkpoint series is checkpoint-drift.ts. Plain-data results.
import { secondsSince, zeroTimings, type StageTimings } from '../../../contract/stage-timings';
import type { KernelMode } from '../../../core/ntk/kernel-types';
import { matchFcn } from './fcn-chain';
import { importedNtk, type ImportedNtk, type NtkDtype } from './imported-ntk';
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

/** eNTK of one model on a probe set, after the onnxruntime check (which refuses a bad translation). */
export async function modelNtk(source: ModelSource, probe: ProbeSet, request: NtkRequest): Promise<NtkReport> {
  let t0 = performance.now();
  const model = await openModel(source, withProbeBindings({ ...request, inputShape: request.inputShape ?? probe.sampleShape }, probe));
  try {
    const translate = secondsSince(t0);
    checkProbeFits(probe, model.inputShape, model.summary.identifier);
    t0 = performance.now();
    const { outputs, ...validation } = await validateAgainstOrt(model, probe.x, probe.n, request.tolerance ?? DEFAULT_TOLERANCE);
    const check = secondsSince(t0);
    const ntk = await importedNtk(model, probe.x, probe.n, { kernel: request.kernel, dtype: request.dtype, outputs });
    const timings = { ...zeroTimings(), translate, check, kernel: (ntk.ms - ntk.spectrumMs) / 1000, spectrum: ntk.spectrumMs / 1000 };
    const warning = saturationWarning(model, ntk.outputs);
    return { ...ntk, summary: model.summary, validation, timings, warnings: warning ? [warning] : [] };
  } finally {
    model.dispose();
  }
}
