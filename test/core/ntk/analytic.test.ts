// Closed-form checks of the analytic NTK: the arc-cosine kernels, values derived by hand, where 'printed' and 'derived'
// differ, symmetry and positive definiteness, and the matrix API (dense and sparse Gram paths) against the pair API.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../src-main/contract/result';
import { analyticNtk, analyticNtkPair } from '../../../src-main/core/ntk/analytic';
import type { AnalyticSpec } from '../../../src-main/core/ntk/analytic-types';
import { correlation, kappa0, kappa1, kappa1FromKappa0 } from '../../../src-main/core/ntk/relu-kernels';
import { createRng } from '../../../src-main/core/random';

const v = (...values: number[]) => new Float64Array(values);
const dot = (a: Float64Array, b: Float64Array) => a.reduce((sum, ai, k) => sum + ai * b[k], 0);
const fcn = (depth: number, bias: boolean, form: 'derived' | 'printed' = 'derived'): AnalyticSpec => ({ arch: 'fcn', depth, bias, form });
const resnet = (depth: number, alpha: number, bias = true, form: 'derived' | 'printed' = 'derived'): AnalyticSpec => ({ arch: 'resnet', depth, alpha, bias, form });

function randomPoints(seed: number, n: number, d: number, zeroFraction = 0): Float64Array {
  const rng = createRng(seed, 'analytic-test');
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < zeroFraction ? 0 : rng.normal();
  return x;
}

function row(x: Float64Array, i: number, d: number): Float64Array {
  return x.subarray(i * d, (i + 1) * d);
}

function eigenvalues(k: Float64Array, n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => Array.from(k.subarray(i * n, (i + 1) * n)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
}

describe('arc-cosine kernels', () => {
  it('take their closed-form values at u = -1, 0, 1', () => {
    expect(kappa0(-1)).toBe(0);
    expect(kappa0(0)).toBe(0.5);
    expect(kappa0(1)).toBe(1);
    expect(kappa1(-1)).toBeCloseTo(0, 15);
    expect(kappa1(0)).toBeCloseTo(1 / Math.PI, 15);
    // Exactly 1: the recursions rely on it to keep a point's correlation with itself at exactly 1.
    expect(kappa1(1)).toBe(1);
  });

  it('match 2 E[relu(u) relu(v)] and 2 E[relu\'(u) relu\'(v)] by quadrature over the angle', () => {
    // (u, v) = (w . e1, w . e2) with w ~ N(0, I_2) and angle theta between e1, e2; E|w|^2 = 2 leaves an integral over phi.
    const steps = 20000;
    for (const rho of [-0.95, -0.5, 0, 0.3, 0.8, 0.999]) {
      const theta = Math.acos(rho);
      let relu = 0;
      let step = 0;
      for (let s = 0; s < steps; s++) {
        const phi = ((s + 0.5) / steps) * 2 * Math.PI;
        const a = Math.cos(phi);
        const b = Math.cos(phi - theta);
        relu += Math.max(a, 0) * Math.max(b, 0);
        step += a > 0 && b > 0 ? 1 : 0;
      }
      const dPhi = (2 * Math.PI) / steps;
      expect(Math.abs((2 / Math.PI) * relu * dPhi - kappa1(rho))).toBeLessThan(1e-7);
      expect(Math.abs((1 / Math.PI) * step * dPhi - kappa0(rho))).toBeLessThan(1e-3);
    }
  });

  it('satisfy kappa1\' = kappa0 and kappa1FromKappa0 = kappa1', () => {
    for (const u of [-0.9, -0.3, 0, 0.4, 0.9]) {
      const h = 1e-6;
      expect((kappa1(u + h) - kappa1(u - h)) / (2 * h)).toBeCloseTo(kappa0(u), 8);
      expect(kappa1FromKappa0(u, kappa0(u))).toBe(kappa1(u));
    }
  });

  it('clamp the correlation to [-1, 1] and map a zero scale to 0', () => {
    expect(correlation(1 + 1e-15, 1)).toBe(1);
    expect(correlation(-1 - 1e-15, 1)).toBe(-1);
    expect(correlation(0, 0)).toBe(0);
    expect(correlation(3, 4)).toBe(0.75);
  });
});

describe('FCN: values derived by hand', () => {
  const x = v(0.6, -1.1, 0.3);
  const sq = dot(x, x);

  it('bias-free: K(x, x) = (L + 1) |x|^2 (every layer keeps the variance: 2 E[relu(z)^2] = E[z^2])', () => {
    for (let depth = 1; depth <= 6; depth++) expect(analyticNtkPair(fcn(depth, false), x, x)).toBeCloseTo((depth + 1) * sq, 12);
  });

  it('with bias: K(x, x) = (L + 1)|x|^2 + L(L + 1)/2 + L; printed: (L + 1)|x|^2 + (L + 1)^2', () => {
    // Diagonal: S_l = |x|^2 + l for l <= L and S_{L+1} = S_L; T = sum_l S_l + S_{L+1}. Printed: S_l = |x|^2 + 2l - 1, S_{L+1} = |x|^2 + 2L + 1.
    for (let depth = 1; depth <= 6; depth++) {
      expect(analyticNtkPair(fcn(depth, true), x, x)).toBeCloseTo((depth + 1) * sq + (depth * (depth + 1)) / 2 + depth, 12);
      expect(analyticNtkPair(fcn(depth, true, 'printed'), x, x)).toBeCloseTo((depth + 1) * sq + (depth + 1) ** 2, 12);
    }
  });

  it('depth 1: K = <x,x\'> kappa0(rho) + |x||x\'| kappa1(rho), with the biases folded in as x~ = (x, 1)', () => {
    const rng = createRng(3, 'fcn-depth-1');
    for (let trial = 0; trial < 20; trial++) {
      const a = v(rng.normal(), rng.normal());
      const b = v(rng.normal(), rng.normal());
      for (const bias of [false, true]) {
        const c = bias ? 1 : 0;
        const s = dot(a, b) + c;
        const scale = Math.sqrt((dot(a, a) + c) * (dot(b, b) + c));
        const rho = s / scale;
        expect(analyticNtkPair(fcn(1, bias), a, b)).toBeCloseTo(s * kappa0(rho) + scale * kappa1(rho), 12);
      }
    }
  });

  it('hand values: orthogonal unit vectors give 1/pi at depth 1; x and -x give 0 at depth 1 and |x|^2/pi at depth 2', () => {
    expect(analyticNtkPair(fcn(1, false), v(1, 0), v(0, 1))).toBeCloseTo(1 / Math.PI, 15);
    expect(analyticNtkPair(fcn(1, false), x, x.map((t) => -t))).toBeCloseTo(0, 15);
    // Depth 2: rho_1 = -1 kills S_2 and T_1 kappa0, so S_2 = 0; then rho_2 = 0 and K = S_3 = |x|^2 kappa1(0).
    expect(analyticNtkPair(fcn(2, false), x, x.map((t) => -t))).toBeCloseTo(sq / Math.PI, 14);
    // With bias, e1 and -e1 have S_1 = 0: K = 0 kappa0(0) + 2 kappa1(0) = 2/pi.
    expect(analyticNtkPair(fcn(1, true), v(1, 0), v(-1, 0))).toBeCloseTo(2 / Math.PI, 15);
  });

  it('bias-free is positively homogeneous: K(c x, x\') = c K(x, x\')', () => {
    const b = v(-0.2, 0.4, 1.3);
    for (const depth of [1, 3]) expect(analyticNtkPair(fcn(depth, false), x.map((t) => 2.5 * t), b)).toBeCloseTo(2.5 * analyticNtkPair(fcn(depth, false), x, b), 12);
  });

  it('a zero input to the bias-free net gives 0, not NaN', () => {
    expect(analyticNtkPair(fcn(3, false), v(0, 0, 0), x)).toBe(0);
    expect(analyticNtkPair(fcn(3, false), v(0, 0, 0), v(0, 0, 0))).toBe(0);
  });
});

describe('FCN: printed against derived', () => {
  const pts = randomPoints(5, 8, 3);
  it('differ only through the bias constants: equal without bias, off by exactly 2 on every pair at depth 1', () => {
    for (const depth of [1, 2, 4]) expect(analyticNtk(fcn(depth, false, 'printed'), pts, 8, 3)).toEqual(analyticNtk(fcn(depth, false), pts, 8, 3));
    const printed = analyticNtk(fcn(1, true, 'printed'), pts, 8, 3);
    const derived = analyticNtk(fcn(1, true), pts, 8, 3);
    for (let p = 0; p < printed.length; p++) expect(printed[p] - derived[p]).toBeCloseTo(2, 12);
  });

  it('at depth > 1 the extra constant also moves the correlations, so the gap varies from pair to pair', () => {
    const printed = analyticNtk(fcn(3, true, 'printed'), pts, 8, 3);
    const derived = analyticNtk(fcn(3, true), pts, 8, 3);
    const gaps = printed.map((p, i) => p - derived[i]);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(0.1);
  });
});

describe('ResNet: values derived by hand', () => {
  // Diagonal: rho = 1 throughout, K_l = g_l = (1+a^2)^l, B_{l+1} = (1+a^2)^(L-l):
  //   K(x,x) = N [2 L a^2 (1+a^2)^(L-1) + 2 (1+a^2)^L] + 2 ((1+a^2)^L - 1), N = |x|^2 + 1 (|x|^2 bias-free, no last term).
  const diagonal = (sq: number, depth: number, alpha: number, bias: boolean, printed: boolean) => {
    const g = (1 + alpha * alpha) ** depth;
    const n = sq + (bias ? 1 : 0);
    const weights = n * (2 * depth * alpha * alpha * (1 + alpha * alpha) ** (depth - 1) + 2 * g);
    const biases = bias ? 2 * (g - 1) : 0;
    return weights + (printed ? n * biases : biases);
  };
  const x = v(0.6, -1.1, 0.3);
  const sq = dot(x, x);

  it('diagonal: derived, printed and bias-free', () => {
    for (const depth of [1, 2, 5]) {
      for (const alpha of [0.3, 1 / depth, 1]) {
        expect(analyticNtkPair(resnet(depth, alpha), x, x)).toBeCloseTo(diagonal(sq, depth, alpha, true, false), 11);
        expect(analyticNtkPair(resnet(depth, alpha, true, 'printed'), x, x)).toBeCloseTo(diagonal(sq, depth, alpha, true, true), 11);
        expect(analyticNtkPair(resnet(depth, alpha, false), x, x)).toBeCloseTo(diagonal(sq, depth, alpha, false, false), 11);
      }
    }
  });

  it('depth 1 in closed form: N [a^2 (kappa1 + pq kappa0) + pq (1 + a^2 kappa0) + pq + a^2 kappa1] + a^2 (kappa0 + 1)', () => {
    // Terms in order: V_1, W_1, then A and b, then W_2 (= K_1 = pq + a^2 kappa1); the last two are b_1 and d_1.
    const rng = createRng(4, 'resnet-depth-1');
    for (let trial = 0; trial < 20; trial++) {
      const a = v(rng.normal(), rng.normal(), rng.normal());
      const b = v(rng.normal(), rng.normal(), rng.normal());
      const alpha = 0.2 + rng.uniform();
      const a2 = alpha * alpha;
      const n = Math.sqrt((dot(a, a) + 1) * (dot(b, b) + 1));
      const pq = (dot(a, b) + 1) / n;
      const k0 = kappa0(pq);
      const k1 = kappa1(pq);
      const expected = n * (a2 * (k1 + pq * k0) + pq * (1 + a2 * k0) + pq + a2 * k1) + a2 * (k0 + 1);
      expect(analyticNtkPair(resnet(1, alpha), a, b)).toBeCloseTo(expected, 11);
    }
  });

  it('hand value: x~ orthogonal (x = e1, x\' = -e1, N = 2) gives 4 a^2/pi + 1.5 a^2 derived, 4 a^2/pi + 3 a^2 printed', () => {
    for (const alpha of [0.5, 1]) {
      const a2 = alpha * alpha;
      expect(analyticNtkPair(resnet(1, alpha), v(1, 0), v(-1, 0))).toBeCloseTo((4 * a2) / Math.PI + 1.5 * a2, 14);
      expect(analyticNtkPair(resnet(1, alpha, true, 'printed'), v(1, 0), v(-1, 0))).toBeCloseTo((4 * a2) / Math.PI + 3 * a2, 14);
    }
  });

  it('alpha = 0 leaves the linear model f = W (A x + b)/sqrt(m): K = 2 (<x, x\'> + 1)', () => {
    const b = v(-0.2, 0.4, 1.3);
    expect(analyticNtkPair(resnet(3, 0), x, b)).toBeCloseTo(2 * (dot(x, b) + 1), 13);
  });

  it('alpha defaults to 1/depth', () => {
    const b = v(-0.2, 0.4, 1.3);
    expect(analyticNtkPair({ arch: 'resnet', depth: 4, bias: true, form: 'derived' }, x, b)).toBe(analyticNtkPair(resnet(4, 0.25), x, b));
  });

  it('bias-free is positively homogeneous, and a zero input gives 0', () => {
    const b = v(-0.2, 0.4, 1.3);
    expect(analyticNtkPair(resnet(2, 0.7, false), x.map((t) => 3 * t), b)).toBeCloseTo(3 * analyticNtkPair(resnet(2, 0.7, false), x, b), 12);
    expect(analyticNtkPair(resnet(2, 0.7, false), v(0, 0, 0), b)).toBe(0);
  });
});

describe('ResNet: printed against derived', () => {
  it('printed - derived = (N - 1) x (the b_l, d_l sum), which at depth 2 is a^2 (kappa0(r1) + 1) + a^2 (1 + a^2 kappa0(r1)) (kappa0(r0) + 1)', () => {
    const rng = createRng(6, 'resnet-printed');
    for (let trial = 0; trial < 20; trial++) {
      const a = v(rng.normal(), rng.normal());
      const b = v(rng.normal(), rng.normal());
      const alpha = 0.2 + rng.uniform();
      const a2 = alpha * alpha;
      const n = Math.sqrt((dot(a, a) + 1) * (dot(b, b) + 1));
      const r0 = (dot(a, b) + 1) / n;
      const r1 = (r0 + a2 * kappa1(r0)) / (1 + a2);
      const biasSum = a2 * (kappa0(r1) + 1) + a2 * (1 + a2 * kappa0(r1)) * (kappa0(r0) + 1);
      const gap = analyticNtkPair(resnet(2, alpha, true, 'printed'), a, b) - analyticNtkPair(resnet(2, alpha), a, b);
      expect(gap).toBeCloseTo((n - 1) * biasSum, 11);
    }
  });

  it('are identical without bias', () => {
    const pts = randomPoints(7, 6, 4);
    expect(analyticNtk(resnet(3, 0.5, false, 'printed'), pts, 6, 4)).toEqual(analyticNtk(resnet(3, 0.5, false), pts, 6, 4));
  });
});

describe('kernel matrices', () => {
  const specs: AnalyticSpec[] = [fcn(1, true), fcn(3, false), fcn(3, true, 'printed'), resnet(1, 1), resnet(3, 1 / 3), resnet(2, 0.7, false, 'printed')];

  it('are exactly symmetric, and equal the general (x1, x2) path and the pair API bit for bit', () => {
    const n = 11;
    const d = 5;
    const pts = randomPoints(8, n, d);
    for (const spec of specs) {
      const k = analyticNtk(spec, pts, n, d);
      expect(analyticNtk(spec, pts, n, d, pts, n)).toEqual(k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          expect(k[i * n + j]).toBe(k[j * n + i]);
          expect(k[i * n + j]).toBe(analyticNtkPair(spec, row(pts, i, d), row(pts, j, d)));
        }
      }
    }
  });

  it('cross kernels: K(x1, x2) = K(x2, x1)^T, n2 inferred from x2, dense and sparse inputs, odd and even n alike', () => {
    const d = 40;
    // 85% zeros sends the Gram down the sparse path (about 0.02 of the dense work); Gaussian inputs take the dense one.
    for (const zeroFraction of [0, 0.85]) {
      const x1 = randomPoints(9, 7, d, zeroFraction);
      const x2 = randomPoints(10, 10, d, zeroFraction);
      for (const spec of specs) {
        const k12 = analyticNtk(spec, x1, 7, d, x2);
        const k21 = analyticNtk(spec, x2, 10, d, x1, 7);
        const k11 = analyticNtk(spec, x1, 7, d);
        const k22 = analyticNtk(spec, x2, 10, d);
        for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) expect(k22[i * 10 + j]).toBe(analyticNtkPair(spec, row(x2, i, d), row(x2, j, d)));
        for (let i = 0; i < 7; i++) {
          for (let j = 0; j < 10; j++) {
            expect(k12[i * 10 + j]).toBe(k21[j * 7 + i]);
            expect(k12[i * 10 + j]).toBe(analyticNtkPair(spec, row(x1, i, d), row(x2, j, d)));
          }
          for (let j = 0; j < 7; j++) expect(k11[i * 7 + j]).toBe(analyticNtkPair(spec, row(x1, i, d), row(x1, j, d)));
        }
      }
    }
  });

  it('are strictly positive definite on distinct points (smallest eigenvalue > 0)', () => {
    // The six points of the paper's Fig. 1 (unit circle) and random points, including a pair x, 2x that only the
    // bias-free kernels, being homogeneous, cannot tell apart in direction; those get the circle points only.
    const circle = new Float64Array(12);
    for (let i = 0; i < 6; i++) {
      circle[2 * i] = Math.cos((i * Math.PI) / 3);
      circle[2 * i + 1] = Math.sin((i * Math.PI) / 3);
    }
    const random = randomPoints(12, 20, 3);
    random.set(random.subarray(0, 3).map((t) => 2 * t), 3);
    const cases: [AnalyticSpec, Float64Array, number, number][] = [
      [fcn(3, false), circle, 6, 2],
      [fcn(3, true), circle, 6, 2],
      [fcn(3, true), random, 20, 3],
      [fcn(1, true), random, 20, 3],
      [resnet(2, 0.5, false), circle, 6, 2],
      [resnet(2, 0.5), random, 20, 3],
      [resnet(3, 1), random, 20, 3],
    ];
    for (const [spec, pts, n, d] of cases) {
      const eig = eigenvalues(analyticNtk(spec, pts, n, d), n);
      expect(eig[0], JSON.stringify(spec)).toBeGreaterThan(1e-6 * eig[n - 1]);
    }
  });

  it('stay finite for duplicate and nearly parallel points', () => {
    const a = v(0.3, -0.7, 1.1);
    const pts = new Float64Array([...a, ...a, ...a.map((t) => t * (1 + 1e-15)), ...a.map((t, k) => t + (k === 0 ? 1e-9 : 0))]);
    for (const spec of specs) {
      const k = analyticNtk(spec, pts, 4, 3);
      expect(k.every(Number.isFinite)).toBe(true);
      expect(k[1]).toBe(k[0]);
      expect(Math.abs(k[3] - k[0])).toBeLessThan(1e-6 * k[0]);
    }
  });

  it('reject bad specs and shapes with coded errors', () => {
    const pts = randomPoints(13, 3, 2);
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof CodedError ? error.code : 'uncoded';
      }
      return 'none';
    };
    expect(codeOf(() => analyticNtk(fcn(0, true), pts, 3, 2))).toBe('config/invalid');
    expect(codeOf(() => analyticNtk(fcn(1.5, true), pts, 3, 2))).toBe('config/invalid');
    expect(codeOf(() => analyticNtk(resnet(2, -1), pts, 3, 2))).toBe('config/invalid');
    expect(codeOf(() => analyticNtk({ ...fcn(2, true), form: 'exact' as 'derived' }, pts, 3, 2))).toBe('config/invalid');
    expect(codeOf(() => analyticNtk(fcn(2, true), pts, 4, 2))).toBe('data/shape-mismatch');
    expect(codeOf(() => analyticNtk(fcn(2, true), pts, 3, 2, new Float64Array(5)))).toBe('data/shape-mismatch');
    expect(codeOf(() => analyticNtkPair(fcn(2, true), v(1, 2), v(1, 2, 3)))).toBe('data/shape-mismatch');
    expect(analyticNtk(fcn(2, true), new Float64Array(0), 0, 2)).toEqual(new Float64Array(0));
  });
});
