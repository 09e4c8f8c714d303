// The one entry to the empirical NTK, in the spirit of neural-tangents' `empirical_ntk_fn`: pick the algorithm, the
// kernel layout and the trace normalisation once, get back `ntkFn(x1, x2?, params)`. Training (train-run.ts) and
// imported models (node/onnx/import/imported-ntk.ts) both call it; the algorithms live in structured-ntk.ts,
// generic-ntk.ts and models/reference-f64.ts and are checked against each other through it.
import { CodedError } from '../../contract/result';
import type { MatmulEngine } from '../linalg/gram-engine';
import type { Architecture } from '../models/architecture';
import { architectureModel, type DifferentiableModel } from '../models/differentiable-model';
import type { ParamSet } from '../models/params';
import { empiricalNtkF64 } from '../models/reference-f64';
import { genericNtk } from './generic-ntk';
import { classTrace, type KernelMode, type NtkImplementation, type TraceNormalization } from './kernel-types';
import { type LayerwiseGraph, layerwiseNtk } from './layerwise-ntk';
import { structuredNtk } from './structured-ntk';

/** A model as the kernel algorithms see it: any differentiable model, and the paper's network when it is one. */
export interface NtkModel {
  /** What the generic (autodiff) implementation differentiates; parameters as the caller holds them. */
  readonly differentiable: DifferentiableModel;
  /** The paper's FCN/ResNet this model is, if any: what structured and reference-f64 need. */
  readonly architecture?: Architecture;
  /** The caller's parameters in the architecture's native layout (identity when omitted). */
  toNative?(params: ParamSet): ParamSet;
  /** A graph with every parameter in a linear slot (conv nets, residual graphs): what structured uses without an architecture. */
  readonly layerwise?: LayerwiseGraph;
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
  /** Generic: largest Jacobian block kept in memory; layer-wise structured: memory of one backward block. Bytes. */
  readonly blockBytes?: number;
}

/** K(x1, x2) at `params`; x1 [n1, ...inputShape] and x2 (default x1) float64, flattened. Float64 result. */
export type NtkFn = (x1: Float64Array, x2: Float64Array | undefined, params: ParamSet) => Promise<Float64Array>;

/** The paper's network as an NtkModel (its own parameter layout). */
export function architectureNtkModel(a: Architecture): NtkModel {
  return { differentiable: architectureModel(a), architecture: a };
}

/**
 * Builds ntkFn for `model`. Cost per call: structured O((n k)^2 width) per layer (layer-wise graphs: one tiled
 * backward over n k rows, plus per conv layer n k times its forward cost and a Gram of its Jacobian rows); generic n k backward passes plus
 * O((n k)^2 P); reference-f64 O(n1 n2 k^2 P) with O(n k P) memory (small networks only).
 */
export function empiricalNtkFn(model: NtkModel, options: EmpiricalNtkOptions): NtkFn {
  const { implementation, kernel: mode, engine } = options;
  const k = model.differentiable.outputs;
  const sampleSize = model.differentiable.inputShape.reduce((s, v) => s * v, 1);
  const mean = mode === 'trace' && options.traceNormalization === 'mean';
  const a = model.architecture;
  const layerwise = a ? undefined : model.layerwise;
  if (implementation === 'reference-f64' && !a) throw new CodedError('config/invalid', "the reference-f64 kernel needs the paper's FCN or ResNet; use the generic implementation");
  if (implementation === 'structured' && !a && !layerwise)
    throw new CodedError('config/invalid', "the structured kernel needs the paper's FCN or ResNet, or a graph with every parameter in a conv, dense, bias or scale slot; use the generic implementation");
  if (implementation !== 'reference-f64' && !engine) throw new CodedError('config/invalid', `the ${implementation} kernel needs a matmul engine`);
  const native = (params: ParamSet) => (model.toNative ? model.toNative(params) : params);

  const compute = async (x1: Float64Array, x2: Float64Array | undefined, params: ParamSet): Promise<Float64Array> => {
    const n1 = x1.length / sampleSize;
    const n2 = x2 ? x2.length / sampleSize : undefined;
    if (implementation === 'structured' && layerwise)
      return layerwiseNtk(engine as MatmulEngine, model.differentiable, layerwise, params, x1, n1, mode, x2, n2, { signal: options.signal, blockBytes: options.blockBytes });
    if (implementation === 'structured') return structuredNtk(engine as MatmulEngine, a as Architecture, native(params), x1, n1, mode, x2, n2);
    if (implementation === 'generic')
      return genericNtk(engine as MatmulEngine, model.differentiable, params, x1, n1, mode, x2, n2, { signal: options.signal, blockBytes: options.blockBytes });
    const full = empiricalNtkF64(a as Architecture, native(params), x1, n1, x2, n2);
    return mode === 'full' ? full : classTrace(full, n1, n2 ?? n1, k);
  };
  return async (x1, x2, params) => {
    const kernel = await compute(x1, x2, params);
    if (mean) for (let i = 0; i < kernel.length; i++) kernel[i] /= k;
    return kernel;
  };
}
