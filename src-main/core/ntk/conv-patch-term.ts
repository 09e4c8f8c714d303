// A conv layer's eNTK term without its Jacobian, where that is the cheaper contraction (Novak et al. 2022, "Fast
// Finite Width NTK": the structured derivative's cost depends on the order of contraction). The Jacobian route forms
// each row's J = G X^T ([cout, pd], X a sample's patches [pd, P]) and a Gram of those rows. Here, per sample pair
// (a, b), Theta[(a, c), (b, e)] = sum_o sum_{p, q} G_ac[o, p] (X_a^T X_b)[p, q] G_be[o, q]: the patch Gram
// X_a^T X_b [P, P], then H = G_b (X_a^T X_b)^T and one [k, k] product with G_a. It wins where a layer's output has
// few positions for its weight's size (CNN20's last two stages: 152 and 36 positions against 577 and 289 weights per
// channel), and it keeps G [cout P] per row instead of J [cout pd]. A dense layer applied at P positions (per-token
// layers) is a 1x1 conv with its input rows [P, in] as patches, and takes the same route on the same test.
import type { MatmulEngine, MatrixF32 } from '../linalg/gram-engine';
import { matrix } from '../linalg/gram-engine';
import type { KernelMode } from './kernel-types';

/** A conv layer's factors for the rows of one input set. */
export interface PatchFactors {
  readonly kind: 'patches';
  /** Cotangents [n k, cout P]: row i k + c is d f_c(x_i) / d y, channels by positions. */
  readonly g: MatrixF32;
  readonly cout: number;
  /** Per sample, its patches [P, pd] (pd = cin kh kw, one more with a folded bias); filled as rows arrive. */
  readonly patches: MatrixF32[];
}

/**
 * Whether the patch route is cheaper for a conv with P output positions, pd weights per output channel and k
 * outputs, per sample pair: k cout P^2 + k^2 cout P + P^2 pd multiply-adds against the Jacobian Gram's k^2 cout pd
 * (its per-sample J products, which the patch route also saves, are left out: the choice holds for any n).
 */
export function patchRouteWins(k: number, cout: number, positions: number, pd: number): boolean {
  const p = positions;
  return k * cout * p * p + k * k * cout * p + p * p * pd < k * k * cout * pd;
}

/** A sample's patches as rows [P, pd] from their transposed layout [pd, P] (im2colT). */
export function patchRowsOf(transposed: MatrixF32): MatrixF32 {
  const { rows: pd, cols: p, data } = transposed;
  const out = new Float32Array(pd * p);
  for (let d = 0; d < pd; d++) for (let q = 0; q < p; q++) out[q * pd + d] = data[d * p + q];
  return matrix(p, pd, out);
}

const asF32 = (v: Float32Array | Float64Array): Float32Array => (v instanceof Float32Array ? v : Float32Array.from(v));

/**
 * kernel += the layer's term from factors a (n1 samples) and b (n2): full [n1 k, n2 k], trace [n1, n2]. `self`: b is
 * a, and the pairs i > j are mirrored from j < i. Sums of each entry in float64 over the layers, as the other terms.
 */
export async function addPatchTerm(engine: MatmulEngine, kernel: Float64Array, mode: KernelMode, k: number, a: PatchFactors, b: PatchFactors, self: boolean, between: () => Promise<void>): Promise<void> {
  const n1 = a.patches.length;
  const n2 = b.patches.length;
  const size = a.g.cols;
  const positions = size / a.cout;
  const cols = mode === 'full' ? n2 * k : n2;
  const rowsOf = (f: PatchFactors, i: number, shape: 'per-output' | 'per-channel') =>
    shape === 'per-output' ? matrix(k, size, f.g.data.subarray(i * k * size, (i + 1) * k * size)) : matrix(k * f.cout, positions, f.g.data.subarray(i * k * size, (i + 1) * k * size));
  for (let i = 0; i < n1; i++) {
    for (let j = self ? i : 0; j < n2; j++) {
      await between();
      const xab = matrix(positions, positions, asF32(await engine.crossGram(a.patches[i], b.patches[j])));
      // H [(e, o), p] = sum_q G_be[o, q] (X_a^T X_b)[p, q].
      const h = await engine.matmul(rowsOf(b, j, 'per-channel'), xab, true);
      const block = await engine.crossGram(rowsOf(a, i, 'per-output'), matrix(k, size, h.data));
      if (mode === 'trace') {
        let t = 0;
        for (let c = 0; c < k; c++) t += block[c * k + c];
        kernel[i * cols + j] += t;
        if (self && j !== i) kernel[j * cols + i] += t;
        continue;
      }
      for (let c = 0; c < k; c++)
        for (let e = 0; e < k; e++) {
          const v = block[c * k + e];
          kernel[(i * k + c) * cols + j * k + e] += v;
          if (self && j !== i) kernel[(j * k + e) * cols + i * k + c] += v;
        }
    }
  }
}
