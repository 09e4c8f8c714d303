// The limiting NTK of the ReLU ResNet of eq. 2.2 in Yu, Tian, Chen (arXiv 2504.11130), after Huang et al. 2020:
// a0 = sqrt(1/m)(A x + b), h_l = sqrt(2/m) relu(W_l a_{l-1} + b_l), a_l = a_{l-1} + alpha sqrt(1/m)(V_l h_l + d_l),
// f = W_{L+1} a_L; A, b, W, V ~ N(0,1), b_l = d_l = 0 at init but trained. docs/paper-notes.md, "Limiting NTK".
import type { AnalyticForm, PairKernelFn } from './analytic-types';
import { correlation, kappa0, kappa1FromKappa0 } from './relu-kernels';

/**
 * The ResNet kernel on one pair from <x, x'>, |x|^2 and |x'|^2, float64, O(depth) with one arccos per block.
 * With x~ = (x, 1), N = |x~||x~'|, p.q = <x~,x~'> / N, g_l = (1+alpha^2)^l (the normalised variance <a_l(x), a_l(x)> / |x~|^2):
 *   K_0 = p.q;  rho_{l-1} = K_{l-1} / g_{l-1};  K_l = K_{l-1} + alpha^2 g_{l-1} kappa1(rho_{l-1})    (K_l = <a_l, a_l'> / N)
 *   B_{L+1} = 1;  B_l = B_{l+1} (1 + alpha^2 kappa0(rho_{l-1}))                                  (B_{l+1} = <df/da_l, df/da_l'> / m)
 *   K = N [ sum_l alpha^2 B_{l+1} (g_{l-1} kappa1 + K_{l-1} kappa0)     V_l and W_l
 *           + (p.q) B_1                                                  A and b (input layer)
 *           + K_L ]                                                      W_{L+1}
 *       + sum_l alpha^2 B_{l+1} (kappa0 + 1)                             b_l and d_l: their gradients do not scale with |x~|
 * Derived independently from eq. 2.2 and checked by Monte Carlo (test/core/ntk/analytic-monte-carlo.test.ts); it
 * agrees term by term with the notes' formula. 'printed' moves the last (bias) sum inside N[...], as the paper prints it.
 * bias = false is the same net without b, b_l, d_l: x~ = x, no bias sum, and 'printed' equals 'derived'.
 */
export function resnetNtkFn(depth: number, alpha: number, bias: boolean, form: AnalyticForm): PairKernelFn {
  const alpha2 = alpha * alpha;
  const inputConst = bias ? 1 : 0;
  const biasInside = form === 'printed';
  // g_l built by the same update the off-diagonal runs (kappa1(1) === 1), so a point's K_l / g_l is exactly 1.
  const g = new Float64Array(depth + 1);
  g[0] = 1;
  for (let l = 1; l <= depth; l++) g[l] = g[l - 1] + alpha2 * g[l - 1];
  return (dot, sqNorm1, sqNorm2) => {
    const n = Math.sqrt((sqNorm1 + inputConst) * (sqNorm2 + inputConst));
    // Only a zero input to the bias-free net has N = 0; every term then carries the factor N.
    if (!(n > 0)) return 0;
    const pq = correlation(dot + inputConst, n);
    // B_{l+1} = prod_{j > l} (1 + alpha^2 kappa0(rho_{j-1})), so both sums are Horner recursions run forward with
    // K_l: sum = sum * (1 + alpha^2 kappa0) + term. Starting the weight sum at p.q supplies the input-layer term (p.q) B_1.
    let k = pq;
    let weights = pq;
    let biases = 0;
    for (let l = 0; l < depth; l++) {
      const rho = correlation(k, g[l]);
      const k0 = kappa0(rho);
      const k1 = kappa1FromKappa0(rho, k0);
      const carry = 1 + alpha2 * k0;
      weights = weights * carry + alpha2 * (g[l] * k1 + k * k0);
      biases = biases * carry + alpha2 * (k0 + 1);
      k += alpha2 * g[l] * k1;
    }
    const inner = weights + k;
    if (!bias) return n * inner;
    return biasInside ? n * (inner + biases) : n * inner + biases;
  };
}
