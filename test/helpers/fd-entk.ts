// Float64 empirical NTK of an ONNX graph by central finite differences over the float64 interpreter (onnx-f64.ts):
// J[(i, c), j] = (f_c(x_i; theta + h e_j) - f_c(x_i; theta - h e_j)) / 2h with h = step max(1, |theta_j|), then
// K = J J^T and its class trace, all in float64. The same Jacobian at step 4h estimates the differencing error
// (zero truncation error between kinks of a piecewise-linear net, so what remains is rounding or a crossed kink).
// Cost 4 P n partial forward passes (the nodes downstream of the parameter): for fixtures of a few thousand parameters.
import type { ParamSet } from '../../src-main/core/models/params';
import type { F64Graph, KinkMargins } from './onnx-f64';

export interface F64Entk {
  /** f(x) [n k], sample-major. */
  readonly outputs: Float64Array;
  /** Full kernel [n k, n k], row i k + c. */
  readonly ntk: Float64Array;
  /** Class trace [n, n] (sum over outputs). */
  readonly trace: Float64Array;
  /** max |J(h) - J(4h)| / max |J(h)|. */
  readonly fdError: number;
  /** The smallest relative distances to a kink in the forward passes at theta. */
  readonly margins: KinkMargins;
}

export function fdEntkF64(graph: F64Graph, params: ParamSet, x: ArrayLike<number>, n: number, k: number, step = 1e-6): F64Entk {
  const theta = new Map(params.map((p) => [p.name, Float64Array.from(p.values)]));
  const total = params.reduce((s, p) => s + p.values.length, 0);
  const d = x.length / n;
  const samples = Array.from({ length: n }, (_, i) => Float64Array.from({ length: d }, (_, j) => x[i * d + j]));
  const margins: KinkMargins = { relu: Infinity, maxPool: Infinity, clip: Infinity };
  const passes = samples.map((s) => graph.pass(s, theta, margins));
  const outputs = new Float64Array(n * k);
  passes.forEach((p, i) => outputs.set(p.outputs, i * k));
  const jacobian = (scale: number): Float64Array => {
    const jac = new Float64Array(n * k * total);
    let col = 0;
    for (const p of params) {
      const values = theta.get(p.name) as Float64Array;
      for (let e = 0; e < values.length; e++, col++) {
        const at = values[e];
        const h = scale * step * Math.max(1, Math.abs(at));
        values[e] = at + h;
        const plus = passes.map((pass) => pass.rerun(p.name));
        values[e] = at - h;
        const minus = passes.map((pass) => pass.rerun(p.name));
        values[e] = at;
        for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) jac[(i * k + c) * total + col] = (plus[i][c] - minus[i][c]) / (2 * h);
      }
    }
    return jac;
  };
  const j = jacobian(1);
  const coarse = jacobian(4);
  let diff = 0;
  let scale = 0;
  for (let q = 0; q < j.length; q++) {
    diff = Math.max(diff, Math.abs(j[q] - coarse[q]));
    scale = Math.max(scale, Math.abs(j[q]));
  }
  const rows = n * k;
  const ntk = new Float64Array(rows * rows);
  for (let r = 0; r < rows; r++)
    for (let c = r; c < rows; c++) {
      let s = 0;
      for (let q = 0; q < total; q++) s += j[r * total + q] * j[c * total + q];
      ntk[r * rows + c] = s;
      ntk[c * rows + r] = s;
    }
  const trace = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let c = 0; c < k; c++) trace[a * n + b] += ntk[(a * k + c) * rows + b * k + c];
  return { outputs, ntk, trace, fdError: diff / scale, margins };
}
