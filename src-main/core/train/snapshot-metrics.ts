// The quantities paper-notes.md asks to track, computed in float64 from plain arrays: per logged step (outputs,
// u_i, loss, accuracy, parameter distance) and per kernel snapshot (drift from K_0, distance to the analytic
// kernel against the bound lambda_0 / (2 n^2), spectrum, diagonals).
import type { LossConfig } from '../../contract/run-config';
import { predictions, sigmoid } from '../losses';
import { paramDistance, paramNorm, type ParamSet } from '../models/params';
import { frobenius, maxAbsDiff } from '../linalg/norms';
import { gramSpectrum, type SpectrumOptions } from '../linalg/spectrum';
import { type KernelMode, kronIdentity, type TraceNormalization } from '../ntk/kernel-types';

export interface StepMetrics {
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
  /** f_t(x_i) of the tracked samples, [tracked][k]. */
  readonly outputs: number[][];
  /** u_i = |sigmoid(f) - y| of the tracked samples (one-logit losses only). */
  readonly u?: number[];
  readonly paramNorm: number;
  readonly paramDistance: number;
  readonly paramDistanceInf: number;
}

export interface KernelMetrics {
  /** ||K_t - K_0||_F / ||K_0||_F. */
  readonly relDrift: number;
  /** max_ij |K_t - K_0|. */
  readonly maxAbsDriftInit: number;
  /** max_ij |K_t - K_analytic|, when an analytic kernel applies. */
  readonly maxAbsDiffAnalytic?: number;
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  readonly condition: number;
  /** K_t(x_i, x_i) of the tracked samples (full kernel: summed over the k outputs' diagonal entries). */
  readonly diagonal: number[];
  readonly spectrumMethod: 'full' | 'lanczos';
}

export function stepMetrics(step: number, loss: number, outputs: Float32Array, y: Int32Array, k: number, lossConfig: LossConfig, tracked: readonly number[], params: ParamSet, params0: ParamSet): StepMetrics {
  const n = y.length;
  const pred = predictions(outputs, n, k, lossConfig);
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
  const trackedOutputs = tracked.map((i) => Array.from(outputs.subarray(i * k, (i + 1) * k)));
  const u = k === 1 && lossConfig.kind === 'bce' ? tracked.map((i) => Math.abs(sigmoid(outputs[i]) - y[i])) : undefined;
  const distance = paramDistance(params, params0);
  return {
    step,
    loss,
    accuracy: correct / n,
    outputs: trackedOutputs,
    u,
    paramNorm: paramNorm(params),
    paramDistance: distance.l2,
    paramDistanceInf: distance.linf,
  };
}

/**
 * Metrics of a kernel K_t [rows, rows] against K_0 and the analytic kernel laid out the same way.
 * `samplesPerRow` is k for a full kernel (rows = n k) and 1 for a trace kernel.
 */
export async function kernelMetrics(
  kernel: Float64Array,
  rows: number,
  kernel0: Float64Array,
  analytic: Float64Array | undefined,
  tracked: readonly number[],
  samplesPerRow: number,
  spectrumOptions: SpectrumOptions,
): Promise<KernelMetrics & { eigenvalues?: Float64Array }> {
  const spectrum = await gramSpectrum(kernel, rows, spectrumOptions);
  const diagonal = tracked.map((i) => {
    let s = 0;
    for (let c = 0; c < samplesPerRow; c++) {
      const r = i * samplesPerRow + c;
      s += kernel[r * rows + r];
    }
    return s;
  });
  return {
    relDrift: frobenius(kernel, kernel0) / frobenius(kernel0),
    maxAbsDriftInit: maxAbsDiff(kernel, kernel0),
    maxAbsDiffAnalytic: analytic ? maxAbsDiff(kernel, analytic) : undefined,
    lambdaMin: spectrum.lambdaMin,
    lambdaMax: spectrum.lambdaMax,
    condition: spectrum.condition,
    diagonal,
    spectrumMethod: spectrum.method,
    eigenvalues: spectrum.eigenvalues,
  };
}

/** The analytic kernel [n, n] laid out like the empirical one: K (x) I_k for full, k K (sum) or K (mean) for trace. */
export function layoutAnalytic(analytic: Float64Array, n: number, k: number, mode: KernelMode, traceNormalization: TraceNormalization): Float64Array {
  if (mode === 'trace') {
    const factor = traceNormalization === 'sum' ? k : 1;
    return analytic.map((v) => v * factor);
  }
  return kronIdentity(analytic, n, n, k);
}
