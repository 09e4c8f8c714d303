// The analytic NTK against the mean empirical NTK of independent float64 reference nets (reference-nets.ts), after
// checking those nets' hand-written gradients against central finite differences. Fixed seeds: the run is deterministic.
import { describe, expect, it } from 'vitest';
import { analyticNtk } from '../../../src-main/core/ntk/analytic';
import type { AnalyticSpec } from '../../../src-main/core/ntk/analytic-types';
import { createRng } from '../../../src-main/core/random';
import { createRefNet, empiricalNtk, initialise, type RefSpec } from './reference-nets';

// Three points in d = 3 with different norms (|x|^2 = 1.34, 2.24, 4.05) and one negative inner product (x1 . x2 = -1.56).
const D = 3;
const K = 3;
const XS = new Float64Array([1.0, 0.5, -0.3, -0.4, 1.2, 0.8, 1.5, -1.2, 0.6]);

describe('reference nets: hand-written gradient against central finite differences (float64)', () => {
  const cases: RefSpec[] = [
    { arch: 'fcn', depth: 2, bias: true },
    { arch: 'fcn', depth: 2, bias: false },
    { arch: 'resnet', depth: 2, bias: true, alpha: 0.7 },
    { arch: 'resnet', depth: 2, bias: false, alpha: 0.7 },
  ];
  for (const spec of cases) {
    it(`${spec.arch}, depth ${spec.depth}, bias ${spec.bias}`, () => {
      // Block biases drawn N(0,1) rather than 0 so that a gradient ignoring their value would be caught.
      const net = createRefNet(spec, D, 5, createRng(11, 'fd'), { blockBiases: 'normal' });
      const x = XS.subarray(0, D);
      const grad = new Float64Array(net.theta.length);
      const f = net.evaluate(x, grad);
      expect(f).toBe(net.evaluate(x));
      // h = 1e-5: truncation h^2 f''' ~ 1e-10, rounding eps |f| / h ~ 1e-11; no pre-activation lies within h |theta| of a kink here.
      const h = 1e-5;
      let worst = 0;
      for (let p = 0; p < net.theta.length; p++) {
        const saved = net.theta[p];
        net.theta[p] = saved + h;
        const up = net.evaluate(x);
        net.theta[p] = saved - h;
        const down = net.evaluate(x);
        net.theta[p] = saved;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[p]) / Math.max(1, Math.abs(grad[p])));
      }
      expect(worst).toBeLessThan(1e-7);
    });
  }
});

interface Estimate {
  mean: Float64Array;
  /** Standard error of the mean: sample std / sqrt(seeds). */
  stdError: Float64Array;
  /** Sample std / |mean| of each entry, per seed: what the tolerances below were sized from. */
  relStd: Float64Array;
}

function monteCarlo(spec: RefSpec, width: number, seeds: number): Estimate {
  const rngFor = (seed: number) => createRng(seed, 'ntk-monte-carlo');
  const net = createRefNet(spec, D, width, rngFor(0));
  const grads = Array.from({ length: K }, () => new Float64Array(net.theta.length));
  const sum = new Float64Array(K * K);
  const sumSq = new Float64Array(K * K);
  for (let s = 0; s < seeds; s++) {
    if (s > 0) initialise(net, rngFor(s));
    const k = empiricalNtk(net, XS, K, grads);
    for (let p = 0; p < K * K; p++) {
      sum[p] += k[p];
      sumSq[p] += k[p] * k[p];
    }
  }
  const mean = sum.map((v) => v / seeds);
  const std = sumSq.map((v, p) => Math.sqrt(Math.max(0, v - seeds * mean[p] * mean[p]) / (seeds - 1)));
  return { mean, stdError: std.map((v) => v / Math.sqrt(seeds)), relStd: std.map((v, p) => v / Math.abs(mean[p])) };
}

/**
 * |mean - K| <= Z stdError + depth / width * sqrt(K_ii K_jj) on every entry.
 * Z = 4: 6 entries per case, 7 cases, so Z = 4 leaves a ~0.3% chance of any false alarm had the seeds been random.
 * The second term allows for the O(1/width) bias of the finite-width mean: measured with 3000 seeds at width 50, the
 * largest was 3.5% of K_12 = 0.6% of sqrt(K_11 K_22) for the depth 3 bias-free FCN (others below 2%, i.e. within
 * noise); depth / width * sqrt(K_ii K_jj) is 10x that at width 50, and < 1% of the diagonal at the widths used here.
 */
function tolerances(estimate: Estimate, kernel: Float64Array, depth: number, width: number): Float64Array {
  const Z = 4;
  return estimate.stdError.map((se, p) => {
    const i = Math.floor(p / K);
    const j = p % K;
    return Z * se + (depth / width) * Math.sqrt(kernel[i * K + i] * kernel[j * K + j]);
  });
}

function analytic(spec: RefSpec, form: 'derived' | 'printed'): Float64Array {
  const full: AnalyticSpec = { arch: spec.arch, depth: spec.depth, bias: spec.bias, alpha: spec.alpha, form };
  return analyticNtk(full, XS, K, D);
}

/**
 * Cost is seeds x (number of parameters) normals (~50-100 ns each), about depth x width^2 for the deep cases. The
 * per-seed spread shrinks like 1/sqrt(width), so for a given standard error the cost grows like width: widths are
 * 300-1000 (4000 for depth 1, where the net is cheap) and seeds bring the standard error to 1-3% of the diagonal.
 * Measured relative std per seed, diagonal / off-diagonal entries (off-diagonals near 0 have large relative spread
 * but small absolute spread):
 *   FCN depth 1, width 4000:            3% / 3-6% (bias), 3-20% (no bias)
 *   FCN depth 3, width 1000, bias:      8-9% / 9-11%        width 500, no bias: 12-15% / 13-16%
 *   ResNet depth 1, alpha 1, width 1000: 5-7% / 8-25%       depth 2, alpha 0.5, width 500: 6-7% / 8-70%
 *   ResNet depth 3, alpha 0.8, width 300, no bias: 15-19% / 21-140%
 * With these, the largest |mean - K| was 0.45 of its tolerance (1.8 standard errors), and the printed forms miss the
 * diagonal by 2.4-36 tolerances.
 */
const CASES: { spec: RefSpec; width: number; seeds: number; printedDiffers: boolean }[] = [
  { spec: { arch: 'fcn', depth: 1, bias: true }, width: 4000, seeds: 100, printedDiffers: true },
  { spec: { arch: 'fcn', depth: 1, bias: false }, width: 4000, seeds: 100, printedDiffers: false },
  { spec: { arch: 'fcn', depth: 3, bias: true }, width: 1000, seeds: 24, printedDiffers: true },
  { spec: { arch: 'fcn', depth: 3, bias: false }, width: 500, seeds: 50, printedDiffers: false },
  { spec: { arch: 'resnet', depth: 1, bias: true, alpha: 1 }, width: 1000, seeds: 20, printedDiffers: true },
  { spec: { arch: 'resnet', depth: 2, bias: true, alpha: 0.5 }, width: 500, seeds: 30, printedDiffers: true },
  { spec: { arch: 'resnet', depth: 3, bias: false, alpha: 0.8 }, width: 300, seeds: 40, printedDiffers: false },
];

describe('analytic NTK = mean empirical NTK of the reference nets (Monte Carlo)', () => {
  for (const { spec, width, seeds, printedDiffers } of CASES) {
    const label = `${spec.arch}, depth ${spec.depth}, bias ${spec.bias}${spec.alpha === undefined ? '' : `, alpha ${spec.alpha}`}, width ${width}, ${seeds} seeds`;
    it(label, () => {
      const estimate = monteCarlo(spec, width, seeds);
      const derived = analytic(spec, 'derived');
      const tol = tolerances(estimate, derived, spec.depth, width);
      for (let p = 0; p < K * K; p++) {
        const context = `entry ${p}: mean ${estimate.mean[p]}, analytic ${derived[p]}, relative std per seed ${estimate.relStd[p]}`;
        expect(Math.abs(estimate.mean[p] - derived[p]), context).toBeLessThanOrEqual(tol[p]);
      }
      // The same data must be able to tell the forms apart: where the printed kernel over-counts the bias, every
      // diagonal entry of the Monte-Carlo mean rejects it.
      if (printedDiffers) {
        const printed = analytic(spec, 'printed');
        for (let i = 0; i < K; i++) expect(Math.abs(estimate.mean[i * K + i] - printed[i * K + i])).toBeGreaterThan(tol[i * K + i]);
      }
    });
  }
});
