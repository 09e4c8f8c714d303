// The one entry to the empirical NTK, in the spirit of neural-tangents' `empirical_ntk_fn`: pick the algorithm, the
// kernel layout and the trace normalisation once, get back `ntkFn(x1, x2?, params)`. Training (train-run.ts) and
// imported models (node/onnx/import/imported-ntk.ts) both call it; the algorithms live in structured-ntk.ts,
// generic-ntk.ts and models/reference-f64.ts and are checked against each other through it. empiricalNtkParts is the
// same kernel split into per-sample features and pairwise cross terms, for kernels computed in blocks.
import { CodedError } from '../../contract/result';
import type { MatmulEngine } from '../linalg/gram-engine';
import type { Architecture } from '../models/architecture';
import { architectureModel, type DifferentiableModel } from '../models/differentiable-model';
import type { ParamSet } from '../models/params';
import { empiricalNtkF64 } from '../models/reference-f64';
import { genericNtk } from './generic-ntk';
import { classTrace, type KernelMode, type NtkImplementation, type TraceNormalization } from './kernel-types';
import { fcnFeatureFloatsPerSample, structuredCross, structuredFeatures, type StructuredFeatures } from './structured-ntk';

/** A model as the kernel algorithms see it: any differentiable model, and the paper's network when it is one. */
export interface NtkModel {
  /** What the generic (autodiff) implementation differentiates; parameters as the caller holds them. */
  readonly differentiable: DifferentiableModel;
  /** The paper's FCN/ResNet this model is, if any: what structured and reference-f64 need. */
  readonly architecture?: Architecture;
  /** The caller's parameters in the architecture's native layout (identity when omitted). */
  toNative?(params: ParamSet): ParamSet;
}

export interface EmpiricalNtkOptions {
  readonly implementation: NtkImplementation;
  /** full [n1 k, n2 k] sample-major, or the class trace [n1, n2]. */
  readonly kernel: KernelMode;
  /** Trace only: 'sum' over the k classes (the paper) or 'mean' (neural-tangents). Default 'sum'. */
  readonly traceNormalization?: TraceNormalization;
  /** Contractions for structured and generic (float32 products); reference-f64 needs none. */
  readonly engine?: MatmulEngine;
  /** Stops a generic kernel between Jacobian rows (CodedError train/cancelled). */
  readonly signal?: AbortSignal;
  /** Generic only: largest Jacobian block kept in memory, in bytes. */
  readonly blockBytes?: number;
}

/** K(x1, x2) at `params`; x1 [n1, ...inputShape] and x2 (default x1) float64, flattened. Float64 result. */
export type NtkFn = (x1: Float64Array, x2: Float64Array | undefined, params: ParamSet) => Promise<Float64Array>;

/** The paper's network as an NtkModel (its own parameter layout). */
export function architectureNtkModel(a: Architecture): NtkModel {
  return { differentiable: architectureModel(a), architecture: a };
}

/** One set of samples after its per-sample work (structured: layer inputs and cotangents; otherwise the inputs). */
export interface SampleFeatures {
  readonly n: number;
  readonly value: StructuredFeatures | Float64Array;
}

/**
 * The kernel split in two at fixed parameters: `features` does the per-sample work of a set of samples once, `cross`
 * gives K between two such sets (f2 default f1) in the layout and normalisation of the options. A blocked kernel
 * (blocked-ntk.ts) reuses one block's features against every other block; ntkFn is cross(features(x1), features(x2)).
 */
export interface NtkParts {
  features(x: Float64Array): Promise<SampleFeatures>;
  cross(f1: SampleFeatures, f2?: SampleFeatures): Promise<Float64Array>;
  /** Bytes `features` keeps per sample: float32 layer inputs and cotangents (structured FCN), else the float64 input. */
  readonly featureBytesPerSample: number;
}

/**
 * The split kernel of `model` at `params`. Cost: structured O((n1 k)(n2 k) width) per layer in cross and
 * O(n k m_in m_out) per layer in features; generic n1 k + n2 k backward passes plus O(n1 n2 k^2 P) in cross;
 * reference-f64 O(n1 n2 k^2 P) with O(n k P) memory (small networks only).
 */
export function empiricalNtkParts(model: NtkModel, options: EmpiricalNtkOptions, params: ParamSet): NtkParts {
  const { implementation, kernel: mode, engine } = options;
  const k = model.differentiable.outputs;
  const sampleSize = model.differentiable.inputShape.reduce((s, v) => s * v, 1);
  const mean = mode === 'trace' && options.traceNormalization === 'mean';
  const a = model.architecture;
  if (implementation !== 'generic' && !a) throw new CodedError('config/invalid', `the ${implementation} kernel needs the paper's FCN or ResNet; use the generic implementation`);
  if (implementation !== 'reference-f64' && !engine) throw new CodedError('config/invalid', `the ${implementation} kernel needs a matmul engine`);
  const native = model.toNative ? model.toNative(params) : params;
  const structured = implementation === 'structured';

  const compute = async (f1: SampleFeatures, f2: SampleFeatures | undefined): Promise<Float64Array> => {
    if (structured) return structuredCross(engine as MatmulEngine, a as Architecture, native, f1.value as StructuredFeatures, f2?.value as StructuredFeatures | undefined, mode);
    const [x1, n1, x2, n2] = [f1.value as Float64Array, f1.n, f2?.value as Float64Array | undefined, f2?.n];
    if (implementation === 'generic')
      return genericNtk(engine as MatmulEngine, model.differentiable, params, x1, n1, mode, x2, n2, { signal: options.signal, blockBytes: options.blockBytes });
    const full = empiricalNtkF64(a as Architecture, native, x1, n1, x2, n2);
    return mode === 'full' ? full : classTrace(full, n1, n2 ?? n1, k);
  };
  return {
    featureBytesPerSample: structured && a?.arch === 'fcn' ? 4 * fcnFeatureFloatsPerSample(a) : 8 * sampleSize,
    async features(x) {
      const n = x.length / sampleSize;
      return { n, value: structured ? await structuredFeatures(engine as MatmulEngine, a as Architecture, native, x, n) : x };
    },
    async cross(f1, f2) {
      const kernel = await compute(f1, f2);
      if (mean) for (let i = 0; i < kernel.length; i++) kernel[i] /= k;
      return kernel;
    },
  };
}

/** Builds ntkFn for `model` (the costs of empiricalNtkParts). */
export function empiricalNtkFn(model: NtkModel, options: EmpiricalNtkOptions): NtkFn {
  if (options.implementation !== 'generic' && !model.architecture)
    throw new CodedError('config/invalid', `the ${options.implementation} kernel needs the paper's FCN or ResNet; use the generic implementation`);
  if (options.implementation !== 'reference-f64' && !options.engine) throw new CodedError('config/invalid', `the ${options.implementation} kernel needs a matmul engine`);
  return async (x1, x2, params) => {
    const parts = empiricalNtkParts(model, options, params);
    const f1 = await parts.features(x1);
    return parts.cross(f1, x2 ? await parts.features(x2) : undefined);
  };
}
