// The arc-cosine kernels of ReLU that every analytic NTK recursion is built from (Cho & Saul 2009), in float64.
// For (u, v) standard normal with correlation rho: 2 E[relu(u) relu(v)] = kappa1(rho), 2 E[relu'(u) relu'(v)] = kappa0(rho).
// Used by the analytic FCN and ResNet kernels of Yu, Tian, Chen (arXiv 2504.11130); see docs/paper-notes.md, "Limiting NTK".

const INV_PI = 1 / Math.PI;

/**
 * The correlation cov / scale, clamped to [-1, 1] because rounding can push it a few ulps outside.
 * Pass scale = Math.sqrt(var1 * var2), not sqrt(var1) * sqrt(var2): sqrt(v * v) === v in IEEE arithmetic, so a
 * point's correlation with itself is exactly 1 and the diagonal carries no arccos error (arccos(1 - 1 ulp) is 1.5e-8).
 * A zero scale (a zero input to a bias-free net) gives 0; every term it feeds is then multiplied by that zero.
 */
export function correlation(cov: number, scale: number): number {
  if (!(scale > 0)) return 0;
  const rho = cov / scale;
  return rho > 1 ? 1 : rho < -1 ? -1 : rho;
}

/**
 * kappa0(u) = (pi - arccos u) / pi for u in [-1, 1], written as arccos(-u) / pi: same value, full relative accuracy
 * near u = -1, and exact where it matters (kappa0(1) === 1, kappa0(0) === 0.5 in float64), which keeps diagonals exact.
 */
export function kappa0(u: number): number {
  return Math.acos(-u) * INV_PI;
}

/** kappa1(u) = (u (pi - arccos u) + sqrt(1 - u^2)) / pi, for u in [-1, 1]. */
export function kappa1(u: number): number {
  return kappa1FromKappa0(u, kappa0(u));
}

/**
 * kappa1(u) given k0 = kappa0(u), so that a recursion needing both pays for one arccos.
 * (1 - u)(1 + u) rather than 1 - u^2 avoids the cancellation near |u| = 1 (near-duplicate or opposite points).
 */
export function kappa1FromKappa0(u: number, k0: number): number {
  return u * k0 + Math.sqrt((1 - u) * (1 + u)) * INV_PI;
}
