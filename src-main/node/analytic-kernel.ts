// The analytic NTK for node hosts (CLI, service): the core formulas, with the O(n^2 d) input Gram on onnxruntime's
// float64 Gemm when the inputs are large enough for it to pay, pure TypeScript otherwise.
import { analyticNtk } from '../core/ntk/analytic';
import type { AnalyticSpec } from '../core/ntk/analytic-types';
import { createOrtF64Gram, type OrtF64Gram } from './ort/ort-f64-gram';

// Below ~10^7 multiply-adds the TypeScript Gram takes under 10 ms and a session is not worth starting.
const ORT_MIN_WORK = 1e7;
let shared: Promise<OrtF64Gram> | undefined;

/** K(x1, x2) [n1, n2] float64, exactly as analyticNtk defines it. */
export async function analyticKernel(spec: AnalyticSpec, x1: Float64Array, n1: number, d: number, x2?: Float64Array, n2?: number): Promise<Float64Array> {
  const m = x2 ? (n2 ?? x2.length / d) : n1;
  if (n1 * m * d < ORT_MIN_WORK) return analyticNtk(spec, x1, n1, d, x2, n2);
  shared ??= createOrtF64Gram();
  const gram = await (await shared).gram(x1, n1, d, x2, n2);
  return analyticNtk(spec, x1, n1, d, x2, n2, { gram });
}
