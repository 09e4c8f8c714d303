// Empirical NTK of an imported model on a probe set: chooses the implementation (structured when the graph is the
// paper's FCN, readout bias included, or when every parameter sits in a linear slot (conv nets, residual graphs:
// layer-wise); generic autodiff otherwise; the float64 reference for FCN graphs) and calls
// core's empiricalNtkFn. Spectrum of the full kernel when computed, else of the class trace.
import { CodedError } from '../../../contract/result';
import type { MatmulEngine } from '../../../core/linalg/gram-engine';
import { firstNonFinite } from '../../../core/linalg/norms';
import { gramSpectrum, type Spectrum } from '../../../core/linalg/spectrum';
import { forwardF64 } from '../../../core/models/reference-f64';
import { paramCount, type ParamSet } from '../../../core/models/params';
import { empiricalNtkFn, type NtkModel } from '../../../core/ntk/empirical-ntk';
import { classTrace, type KernelMode, type NtkImplementation } from '../../../core/ntk/kernel-types';
import { matmulEngine } from '../../engines';
import { type FcnMatch, matchFcn } from './fcn-chain';
import { matchLayerwise } from './layerwise-graph';
import { fcnObstacle } from './fcn-obstacle';
import type { ImportedModel } from './imported-model';
import { translatedOutputs } from './ort-validation';

export type NtkDtype = 'float32' | 'float64';

export interface ImportedNtkOptions {
  readonly kernel: KernelMode;
  readonly dtype?: NtkDtype;
  /** auto (default): structured when the graph is an FCN or layer-wise (layerwise-graph.ts), else generic. */
  readonly implementation?: 'auto' | 'generic' | 'structured';
  /** Parameters to evaluate at (default the file's). */
  readonly params?: ParamSet;
  /** f(x) [n k] at `params` when the caller has it already (the onnxruntime check computes it): not run again. */
  readonly outputs?: Float32Array;
  /** Stops a generic kernel between Jacobian rows (CodedError train/cancelled). */
  readonly signal?: AbortSignal;
  /** Kernel contractions; default the host's (onnxruntime-node where it loads, node/engines.ts). */
  readonly engine?: MatmulEngine;
}

export interface ImportedNtk {
  readonly n: number;
  readonly k: number;
  readonly paramCount: number;
  /** f(x) [n * k], sample-major. */
  readonly outputs: Float64Array;
  /** Class trace [n, n] (sum over outputs). */
  readonly trace: Float64Array;
  /** Full kernel [n k, n k], sample-major (row i k + c); only for kernel 'full'. */
  readonly ntk?: Float64Array;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** Every eigenvalue, ascending, when the kernel had at most 512 rows (Lanczos extremes only beyond). */
  readonly eigenvalues?: Float64Array;
  /** Which kernel the eigenvalues are of. */
  readonly spectrumOf: KernelMode;
  /** How lambdaMin and lambdaMax were found: every eigenvalue, or Lanczos with its steps and Ritz residuals. */
  readonly spectrum: SpectrumRecord;
  readonly implementation: NtkImplementation;
  /** Whole call, spectrum included. */
  readonly ms: number;
  /** The spectrum's share of `ms`. */
  readonly spectrumMs: number;
}

/** How a report's lambdaMin and lambdaMax were found, as `ntk` and `drift` write it: {method} or {method, steps, residuals}. */
export interface SpectrumRecord {
  readonly method: Spectrum['method'];
  readonly steps?: number;
  readonly lambdaMinResidual?: number;
  readonly lambdaMaxResidual?: number;
}

export function spectrumRecord(spectrum: Pick<Spectrum, 'method' | 'lanczos'>): SpectrumRecord {
  return { method: spectrum.method, ...spectrum.lanczos };
}

export interface ImportedNtkSetup {
  readonly ntkModel: NtkModel;
  readonly implementation: NtkImplementation;
  readonly engine?: MatmulEngine;
  readonly fcn?: FcnMatch;
}

/**
 * The implementation an imported model's kernel runs on (structured for an FCN graph, the float64 reference with
 * dtype float64, generic otherwise) and its engine; throws onnx/unsupported-model when the request cannot be met.
 */
export async function importedNtkSetup(model: ImportedModel, options: Pick<ImportedNtkOptions, 'dtype' | 'implementation' | 'engine'>): Promise<ImportedNtkSetup> {
  const wanted = options.implementation ?? 'auto';
  const fcn = wanted === 'generic' ? undefined : matchFcn(model);
  const layered = fcn || wanted === 'generic' || options.dtype === 'float64' ? undefined : matchLayerwise(model);
  if (options.dtype === 'float64' && !fcn)
    throw new CodedError('onnx/unsupported-model', `${model.summary.identifier}: the float64 path needs a plain MLP chain (Gemm/MatMul, Relu) with FCN multipliers, and ${fcnObstacle(model)}; use float32`);
  if (wanted === 'structured' && !fcn && !layered?.ok)
    throw new CodedError('onnx/unsupported-model', `${model.summary.identifier}: the structured kernel needs every parameter in a conv, dense, bias or scale slot, and ${layered && !layered.ok ? layered.obstacle : 'this graph has none'}; use the generic kernel`);
  const implementation: NtkImplementation = options.dtype === 'float64' ? 'reference-f64' : fcn || layered?.ok ? 'structured' : 'generic';
  const ntkModel: NtkModel = fcn
    ? { differentiable: model, architecture: fcn.architecture, toNative: fcn.toNative }
    : { differentiable: model, ...(layered?.ok ? { layerwise: layered.graph } : {}) };
  const engine = implementation === 'reference-f64' ? undefined : (options.engine ?? (await matmulEngine()));
  return { ntkModel, implementation, engine, fcn };
}

/**
 * eNTK of `model` on x [n, ...inputShape] (float64, flattened), through core's empiricalNtkFn. Cost: generic n k
 * backward passes plus O((n k)^2 P); structured O((n k)^2 width) per layer; float64 reference O(n k P) memory. The
 * spectrum adds O(rows^3) up to 512 rows, Lanczos beyond.
 */
export async function importedNtk(model: ImportedModel, x: Float64Array, n: number, options: ImportedNtkOptions): Promise<ImportedNtk> {
  const t0 = performance.now();
  const params = options.params ?? model.initialParams;
  const k = model.outputs;
  const { ntkModel, implementation, engine, fcn } = await importedNtkSetup(model, options);
  const ntkFn = empiricalNtkFn(ntkModel, { implementation, kernel: options.kernel, engine, signal: options.signal });
  const full = options.kernel === 'full' ? await ntkFn(x, undefined, params) : undefined;
  const trace = full ? classTrace(full, n, n, k) : await ntkFn(x, undefined, params);
  const outputs =
    fcn && implementation === 'reference-f64' ? forwardF64(fcn.architecture, fcn.toNative(params), x, n) : Float64Array.from(options.outputs ?? translatedOutputs(model, x, n, params));
  const bad = firstNonFinite(full ?? trace);
  if (bad >= 0)
    throw new CodedError('ntk/non-finite', `${model.summary.identifier}: kernel entry ${bad} is ${(full ?? trace)[bad]} (a gradient overflowed or hit a singular point such as sqrt(0))`);
  const spectrumStart = performance.now();
  const spectrum = full ? await gramSpectrum(full, n * k, { engine }) : await gramSpectrum(trace, n, { engine });
  const spectrumMs = performance.now() - spectrumStart;
  return {
    n,
    k,
    paramCount: paramCount(params),
    outputs,
    trace,
    ntk: full,
    lambdaMin: spectrum.lambdaMin,
    lambdaMax: spectrum.lambdaMax,
    ...(spectrum.eigenvalues ? { eigenvalues: spectrum.eigenvalues } : {}),
    spectrumOf: full ? 'full' : 'trace',
    spectrum: spectrumRecord(spectrum),
    implementation,
    ms: performance.now() - t0,
    spectrumMs,
  };
}
