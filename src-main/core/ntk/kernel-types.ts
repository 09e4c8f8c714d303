// Names shared by every kernel routine: which kernel is computed and by which algorithm.

/** Declared with the run config (contract/run-config-rules.ts); re-exported for the kernel routines. */
export type { KernelMode } from '../../contract/run-config-rules';

/** structured: layer-wise, never builds the Jacobian (FCN/ResNet only); generic: autodiff Jacobian rows (any model). */
export type NtkImplementation = 'structured' | 'generic';

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
