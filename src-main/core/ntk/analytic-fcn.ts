// The limiting (infinite-width) NTK of the fully connected ReLU net of eq. 2.1 in Yu, Tian, Chen (arXiv 2504.11130):
// a0 = x, a_l = sqrt(2/m) relu(W_l a_{l-1} + b_l), f = W_{L+1} a_L, NTK parameterisation, no 1/sqrt(d) on the input.
// One pair at a time, as a recursion over layers; docs/paper-notes.md, "Limiting NTK", has the derivation.
import type { AnalyticForm, PairKernelFn } from './analytic-types';
import { correlation, kappa0, kappa1FromKappa0 } from './relu-kernels';

/**
 * The FCN kernel on one pair from <x, x'>, |x|^2 and |x'|^2, float64, O(depth) with one arccos per layer.
 *   derived, bias:    S_1 = <x,x'> + 1; S_{l+1} = sqrt(S_l(x,x) S_l(x',x')) kappa1(rho_l) + 1 for l < L, no "+1" at l = L
 *                     (there is no output bias); T_1 = S_1, T_{l+1} = T_l kappa0(rho_l) + S_{l+1}; K = T_{L+1}.
 *                     The "+1" is the bias: it is both the N(0,1) b_l's share of the forward covariance and the
 *                     gradient with respect to b_l.
 *   derived, no bias: every "+1" dropped (S_1 = <x,x'>): the kernel the paper's figures match. K(x,x) = (L+1)|x|^2.
 *   printed:          as the paper prints it, S_{l+1} = 2(E[relu relu] + 1), i.e. "+2" after every layer, l = L
 *                     included, with S_1 = <x,x'> + 1; it over-counts the bias. Its only error is in the bias
 *                     constants, so with bias = false there is nothing to over-count and it equals the derived kernel.
 */
export function fcnNtkFn(depth: number, bias: boolean, form: AnalyticForm): PairKernelFn {
  const inputConst = bias ? 1 : 0;
  const hiddenConst = bias ? (form === 'printed' ? 2 : 1) : 0;
  const lastConst = bias && form === 'printed' ? 2 : 0;
  return (dot, sqNorm1, sqNorm2) => {
    let s = dot + inputConst;
    let var1 = sqNorm1 + inputConst;
    let var2 = sqNorm2 + inputConst;
    let t = s;
    for (let l = 1; l <= depth; l++) {
      const scale = Math.sqrt(var1 * var2);
      const rho = correlation(s, scale);
      const k0 = kappa0(rho);
      const c = l < depth ? hiddenConst : lastConst;
      s = scale * kappa1FromKappa0(rho, k0) + c;
      // kappa1(1) === 1 exactly, so this is the same recursion run on (x, x) and (x', x'), bit for bit.
      var1 += c;
      var2 += c;
      t = t * k0 + s;
    }
    return t;
  };
}
