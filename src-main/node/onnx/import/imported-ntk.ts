// Empirical NTK of an imported model on a probe set: the structured algorithm when the graph is the paper's FCN,
// the generic autodiff one otherwise (float32), or the float64 reference Jacobian for FCN graphs (validation).
// Spectrum of the full kernel when computed, else of the class trace.
import { CodedError } from '../../../contract/result';
import type { MatmulEngine } from '../../../core/linalg/gram-engine';
import { gramSpectrum } from '../../../core/linalg/spectrum';
import { empiricalNtkF64, forwardF64 } from '../../../core/models/reference-f64';
import { paramCount as countParams, type ParamSet } from '../../../core/models/params';
import { genericNtk } from '../../../core/ntk/generic-ntk';
import { classTrace, type KernelMode } from '../../../core/ntk/kernel-types';
import { structuredNtk } from '../../../core/ntk/structured-ntk';
import { matmulEngine } from '../../engines';
import { matchFcn } from './fcn-chain';
import type { ImportedModel } from './imported-model';
import { translatedOutputs } from './ort-validation';

export type NtkDtype = 'float32' | 'float64';
export type ImportedNtkImplementation = 'generic' | 'structured' | 'reference-f64';

export interface ImportedNtkOptions {
  readonly kernel: KernelMode;
  readonly dtype?: NtkDtype;
  /** auto (default): structured when the graph is an FCN, else generic. */
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
  readonly implementation: ImportedNtkImplementation;
  readonly ms: number;
}

/**
 * eNTK of `model` on x [n, ...inputShape] (float64, flattened). Cost: generic n k backward passes plus
 * O((n k)^2 P); structured O((n k)^2 width) per layer; float64 reference O(n k P) memory. The spectrum adds O(rows^3)
 * up to 512 rows, Lanczos beyond.
 */
export async function importedNtk(model: ImportedModel, x: Float64Array, n: number, options: ImportedNtkOptions): Promise<ImportedNtk> {
  const t0 = performance.now();
  const params = options.params ?? model.initialParams;
  const k = model.outputs;
  const paramCount = countParams(params);
  const wanted = options.implementation ?? 'auto';
  const fcn = wanted === 'generic' ? undefined : matchFcn(model);
  if ((wanted === 'structured' || options.dtype === 'float64') && !fcn)
    throw new CodedError('onnx/unsupported-model', `${model.summary.identifier}: the ${options.dtype === 'float64' ? 'float64 path' : 'structured kernel'} needs a plain MLP chain (Gemm/MatMul, Relu) with FCN multipliers; use float32 and the generic kernel`);
  const readout = fcn?.readoutBias;
  const readoutTerm = readout ? readout.mult * readout.mult : 0;
  let full: Float64Array | undefined;
  let trace: Float64Array;
  let outputs: Float64Array;
  let implementation: ImportedNtkImplementation;
  if (options.dtype === 'float64' && fcn) {
    const native = fcn.toNative(params);
    full = addReadoutBiasTerm(empiricalNtkF64(fcn.architecture, native, x, n), n, k, 'full', readoutTerm);
    trace = classTrace(full, n, n, k);
    if (options.kernel === 'trace') full = undefined;
    outputs = forwardF64(fcn.architecture, native, x, n);
    if (readout) {
      const b = params.find((p) => p.name === readout.name)?.values ?? new Float32Array(k);
      for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) outputs[i * k + a] += readout.mult * b[a];
    }
    implementation = 'reference-f64';
  } else {
    const engine = options.engine ?? (await matmulEngine());
    const kernelOf = async (mode: KernelMode) =>
      fcn ? addReadoutBiasTerm(await structuredNtk(engine, fcn.architecture, fcn.toNative(params), x, n, mode), n, k, mode, readoutTerm) : genericNtk(engine, model, params, x, n, mode, undefined, undefined, { signal: options.signal });
    if (options.kernel === 'full') {
      full = await kernelOf('full');
      trace = classTrace(full, n, n, k);
    } else {
      trace = await kernelOf('trace');
    }
    outputs = Float64Array.from(options.outputs ?? translatedOutputs(model, x, n, params));
    implementation = fcn ? 'structured' : 'generic';
  }
  const bad = (full ?? trace).findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new CodedError('ntk/non-finite', `${model.summary.identifier}: kernel entry ${bad} is ${(full ?? trace)[bad]} (a gradient overflowed or hit a singular point such as sqrt(0))`);
  const spectrum = full ? gramSpectrum(full, n * k) : gramSpectrum(trace, n);
  return {
    n,
    k,
    paramCount,
    outputs,
    trace,
    ntk: full,
    lambdaMin: spectrum.lambdaMin,
    lambdaMax: spectrum.lambdaMax,
    ...(spectrum.eigenvalues ? { eigenvalues: spectrum.eigenvalues } : {}),
    spectrumOf: full ? 'full' : 'trace',
    implementation,
    ms: performance.now() - t0,
  };
}

/**
 * The readout bias's share of the kernel: d f_a / d b_c = mult delta_ac for every input, so it adds mult^2 to each
 * same-class entry of the full kernel (k mult^2 to each trace entry). In place; returns the kernel.
 */
function addReadoutBiasTerm(kernel: Float64Array, n: number, k: number, mode: KernelMode, term: number): Float64Array {
  if (term === 0) return kernel;
  if (mode === 'trace') {
    for (let i = 0; i < kernel.length; i++) kernel[i] += k * term;
    return kernel;
  }
  const rows = n * k;
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) kernel[r * rows + j * k + (r % k)] += term;
  return kernel;
}
