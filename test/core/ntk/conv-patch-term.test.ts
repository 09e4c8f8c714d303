// A conv layer's eNTK term from its cotangents and patches (conv-patch-term.ts) against the Jacobian route written
// out in float64: J[(i, c)] = G_ic X_i^T, Theta = J J'^T; full and trace, self (mirrored pairs) and cross. And which
// layers take the route: by the multiply-adds per sample pair, on CNN20's and wide-head-cnn's shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../../../src-main/core/linalg/gram-engine';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import { addPatchTerm, patchRouteWins, patchRowsOf, type PatchFactors } from '../../../src-main/core/ntk/conv-patch-term';
import { createRng, normalArray } from '../../../src-main/core/random';
import { initBackend } from '../../../src-main/node/backend';
import { relErr } from '../../helpers/rel-err';

const [k, cout, positions, pd] = [4, 3, 5, 7];

function factors(seed: number, n: number): PatchFactors {
  const rng = createRng(seed, 'patch-term');
  const patches = Array.from({ length: n }, () => patchRowsOf(matrix(pd, positions, normalArray(rng, pd * positions))));
  return { kind: 'patches', g: matrix(n * k, cout * positions, normalArray(rng, n * k * cout * positions)), cout, patches };
}

/** Row (i, c)'s Jacobian [cout, pd]: sum_p G_ic[o, p] X_i[p, d], float64. */
function jacobian(f: PatchFactors, row: number): Float64Array {
  const i = Math.floor(row / k);
  const x = f.patches[i].data;
  const j = new Float64Array(cout * pd);
  for (let o = 0; o < cout; o++)
    for (let p = 0; p < positions; p++) {
      const gv = f.g.data[row * cout * positions + o * positions + p];
      for (let d = 0; d < pd; d++) j[o * pd + d] += gv * x[p * pd + d];
    }
  return j;
}

function reference(a: PatchFactors, b: PatchFactors, mode: 'full' | 'trace'): Float64Array {
  const n1 = a.patches.length;
  const n2 = b.patches.length;
  const ja = Array.from({ length: n1 * k }, (_, r) => jacobian(a, r));
  const jb = Array.from({ length: n2 * k }, (_, r) => jacobian(b, r));
  const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, x, q) => s + x * v[q], 0);
  if (mode === 'full') return Float64Array.from({ length: n1 * k * n2 * k }, (_, q) => dot(ja[Math.floor(q / (n2 * k))], jb[q % (n2 * k)]));
  return Float64Array.from({ length: n1 * n2 }, (_, q) => {
    let t = 0;
    for (let c = 0; c < k; c++) t += dot(ja[Math.floor(q / n2) * k + c], jb[(q % n2) * k + c]);
    return t;
  });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('conv term from cotangents and patches', () => {
  const engine = createTfjsMatmulEngine();
  const none = async () => undefined;
  for (const mode of ['full', 'trace'] as const) {
    it(`${mode}: a self kernel (pairs i > j mirrored) equals J J^T`, async () => {
      const a = factors(1, 3);
      const kernel = new Float64Array(mode === 'full' ? (3 * k) ** 2 : 9);
      await addPatchTerm(engine, kernel, mode, k, a, a, true, none);
      expect(relErr(kernel, reference(a, a, mode))).toBeLessThan(1e-5);
    });
    it(`${mode}: a cross kernel (3 x 2 samples) equals J J'^T, added to what the kernel held`, async () => {
      const a = factors(2, 3);
      const b = factors(3, 2);
      const size = mode === 'full' ? 3 * k * 2 * k : 6;
      const kernel = new Float64Array(size).fill(1);
      await addPatchTerm(engine, kernel, mode, k, a, b, false, none);
      const want = reference(a, b, mode).map((v) => v + 1);
      expect(relErr(kernel, want)).toBeLessThan(1e-5);
    });
  }

  it('is taken where it needs fewer multiply-adds: CNN20\'s last two stages, wide-head-cnn\'s conv2 and conv3, wide-head-token-mlp\'s token layers', () => {
    expect(patchRouteWins(96, 16, 76 * 32, 16 * 9 + 1)).toBe(false);
    expect(patchRouteWins(96, 32, 38 * 16, 32 * 9 + 1)).toBe(false);
    expect(patchRouteWins(96, 64, 19 * 8, 64 * 9 + 1)).toBe(true);
    expect(patchRouteWins(96, 32, 9 * 4, 32 * 9 + 1)).toBe(true);
    expect(patchRouteWins(40, 8, 64, 10)).toBe(false);
    expect(patchRouteWins(40, 16, 16, 73)).toBe(true);
    expect(patchRouteWins(40, 8, 4, 144)).toBe(true);
    // Per-token dense layers as 1x1 convs: wide-head-token-mlp's two (4 tokens), not token-mlp's (3 outputs).
    expect(patchRouteWins(40, 24, 4, 16)).toBe(true);
    expect(patchRouteWins(40, 8, 4, 24)).toBe(true);
    expect(patchRouteWins(3, 64, 16, 32)).toBe(false);
  });
});
