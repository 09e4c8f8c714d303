// Names shared by every kernel routine: which kernel is computed and by which algorithm, and the two layout helpers
// (class rows of a sample-major matrix, class trace of a full kernel) every algorithm uses.
import { matrix, type MatrixF32 } from '../linalg/gram-engine';

/** Declared with the run config (contract/run-config-rules.ts); re-exported for the kernel routines. */
export type { KernelMode } from '../../contract/run-config-rules';

/**
 * structured: layer-wise, never builds the Jacobian (the paper's FCN/ResNet only), float32 products;
 * generic: autodiff Jacobian rows (any differentiable model), float32; reference-f64: hand-written float64 Jacobian
 * (FCN/ResNet, small networks; validation).
 */
export type NtkImplementation = 'structured' | 'generic' | 'reference-f64';

/** neural-tangents divides the class trace by k; the paper's formulas sum. Labelled wherever a trace is shown. */
export type TraceNormalization = 'sum' | 'mean';

/** Class-trace of a full kernel [n1 k, n2 k] -> [n1, n2]. */
export function classTrace(full: Float64Array, n1: number, n2: number, k: number, normalization: TraceNormalization = 'sum'): Float64Array {
  const out = new Float64Array(n1 * n2);
  const cols = n2 * k;
  const scale = normalization === 'mean' ? 1 / k : 1;
  for (let i = 0; i < n1; i++)
    for (let j = 0; j < n2; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += full[(i * k + c) * cols + j * k + c];
      out[i * n2 + j] = s * scale;
    }
  return out;
}

/**
 * A per-sample kernel [n1, n2] as a full one [n1 k, n2 k] sample-major: K (x) I_k, how an analytic (infinite-width)
 * kernel of k independent outputs is laid out. Cost O(n1 n2 k^2) memory.
 */
export function kronIdentity(kernel: Float64Array, n1: number, n2: number, k: number): Float64Array {
  const cols = n2 * k;
  const out = new Float64Array(n1 * k * cols);
  for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) for (let c = 0; c < k; c++) out[(i * k + c) * cols + j * k + c] = kernel[i * n2 + j];
  return out;
}

/** The rows of class c: [n, cols] from a sample-major matrix [n k, cols] (row i*k + c). */
export function classRows(rows: MatrixF32, k: number, c: number): MatrixF32 {
  const n = rows.rows / k;
  const m = rows.cols;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) out.set(rows.data.subarray((i * k + c) * m, (i * k + c + 1) * m), i * m);
  return matrix(n, m, out);
}
