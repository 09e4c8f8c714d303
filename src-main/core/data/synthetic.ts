// Synthetic datasets: the paper's points on the unit circle (Fig. 1) and kernel sweep (Figs. 2-3), plus seeded
// sphere and Gaussian-blob problems for width sweeps. Paper: Yu, Tian, Chen, ICLR 2025 (arXiv 2504.11130).
// Every generator is deterministic in its arguments: randomness comes from createRng(seed, <named stream>).
import { CodedError } from '../../contract/result';
import { createRng, permutation, type Rng } from '../random';
import { makeDataset, type Dataset } from './dataset';

export type CircleLabels = 'alternating' | 'halves' | readonly number[];

/**
 * n points (cos t_i, sin t_i) with t_i = 2 pi i / n (i pi / 3 for the paper's n = 6); x is n x 2 float64.
 * Labels: 'alternating' 0,1,0,1,...; 'halves' 0 for t_i < pi (the upper half), 1 after; or an explicit 0/1 list of length n.
 */
export function circleData(n = 6, labels: CircleLabels = 'alternating'): Dataset {
  if (!Number.isInteger(n) || n <= 0) throw new CodedError('data/invalid', `circle needs a positive number of points (got ${n})`);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  let y: number[];
  let labelName: string;
  if (labels === 'alternating') {
    y = Array.from({ length: n }, (_, i) => i % 2);
    labelName = 'alternating';
  } else if (labels === 'halves') {
    y = Array.from({ length: n }, (_, i) => (2 * i < n ? 0 : 1));
    labelName = 'halves';
  } else {
    if (labels.length !== n) throw new CodedError('data/shape-mismatch', `circle has ${n} points but ${labels.length} labels were given`);
    y = [...labels];
    labelName = `[${y.join(',')}]`;
  }
  return makeDataset(x, y, n, 2, `circle: n=${n}, labels ${labelName}`, 2);
}

/** Inputs for the kernel-vs-angle figures: K(x1, x2[j]) is plotted against phis[j]. */
export interface CircleSweep {
  /** The fixed point (1, 0): 1 x 2. */
  x1: Float64Array;
  /** (cos phi_j, sin phi_j): count x 2, row-major. */
  x2: Float64Array;
  /** linspace(-pi, pi, count), both ends included. */
  phis: Float64Array;
  count: number;
}

/** The Fig. 2 sweep: x1 = (1, 0) against count points x2 = (cos phi, sin phi), phi = linspace(-pi, pi, count). */
export function circleSweep(count = 201): CircleSweep {
  if (!Number.isInteger(count) || count <= 0) throw new CodedError('data/invalid', `sweep needs a positive number of angles (got ${count})`);
  const phis = new Float64Array(count);
  const step = count > 1 ? (2 * Math.PI) / (count - 1) : 0;
  for (let j = 0; j < count; j++) phis[j] = -Math.PI + j * step;
  // As numpy.linspace does, pin the endpoint so rounding cannot leave it a hair short of pi.
  if (count > 1) phis[count - 1] = Math.PI;
  const x2 = new Float64Array(count * 2);
  for (let j = 0; j < count; j++) {
    x2[2 * j] = Math.cos(phis[j]);
    x2[2 * j + 1] = Math.sin(phis[j]);
  }
  return { x1: Float64Array.of(1, 0), x2, phis, count };
}

/**
 * n points drawn uniformly on the unit sphere in R^dim (normalised Gaussians); n x dim float64.
 * Label 1 when w . x > 0 for one Gaussian w drawn from the seed, else 0. The points and w use separate
 * streams, so the first k points and the labelling rule do not change with n.
 */
export function sphereData(n: number, dim: number, seed: number): Dataset {
  checkSize(n, dim);
  const w = unitVector(createRng(seed, 'sphere/w'), dim);
  const rng = createRng(seed, 'sphere/x');
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = unitVector(rng, dim);
    x.set(row, i * dim);
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += w[j] * row[j];
    y[i] = dot > 0 ? 1 : 0;
  }
  return makeDataset(x, y, n, dim, `sphere: n=${n}, dim=${dim}, seed=${seed}`, 2);
}

/**
 * Gaussian blobs: n x dim float64 inputs, labels 0..classes-1 balanced (counts differ by at most one, order shuffled).
 * Class means have unit norm: a random orthonormal set when classes <= dim (every pair sqrt(2) apart), otherwise
 * random unit vectors spread out greedily. Points are mean + (spread / sqrt(dim)) N(0, I), so spread is the RMS
 * distance from a point to its mean and inputs keep norm about sqrt(1 + spread^2) in any dimension.
 */
export function blobsData(n: number, dim: number, classes: number, spread: number, seed: number): Dataset {
  checkSize(n, dim);
  if (!Number.isInteger(classes) || classes < 2) throw new CodedError('data/invalid', `blobs need at least 2 classes (got ${classes})`);
  if (!(spread >= 0) || !Number.isFinite(spread)) throw new CodedError('data/invalid', `blob spread must be finite and >= 0 (got ${spread})`);
  const means = classMeans(createRng(seed, 'blobs/means'), classes, dim);
  const labelRng = createRng(seed, 'blobs/labels');
  const order = permutation(labelRng, n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[order[i]] = i % classes;
  const rng = createRng(seed, 'blobs/points');
  const scale = spread / Math.sqrt(dim);
  const x = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const mean = means[y[i]];
    for (let j = 0; j < dim; j++) x[i * dim + j] = mean[j] + scale * rng.normal();
  }
  return makeDataset(x, y, n, dim, `blobs: n=${n}, dim=${dim}, classes=${classes}, spread=${spread}, seed=${seed}`, classes);
}

function checkSize(n: number, dim: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new CodedError('data/invalid', `need a positive number of points (got n = ${n})`);
  if (!Number.isInteger(dim) || dim <= 0) throw new CodedError('data/invalid', `need a positive dimension (got dim = ${dim})`);
}

function unitVector(rng: Rng, dim: number): Float64Array {
  const v = new Float64Array(dim);
  for (;;) {
    let norm2 = 0;
    for (let j = 0; j < dim; j++) {
      v[j] = rng.normal();
      norm2 += v[j] * v[j];
    }
    // An all-zero draw has no direction; it is vanishingly rare, but redrawing keeps the output on the sphere.
    if (norm2 > 0) {
      const inv = 1 / Math.sqrt(norm2);
      for (let j = 0; j < dim; j++) v[j] *= inv;
      return v;
    }
  }
}

function classMeans(rng: Rng, classes: number, dim: number): Float64Array[] {
  const means: Float64Array[] = [];
  if (classes <= dim) {
    // Gram-Schmidt on Gaussian draws: a uniformly random orthonormal set, so no two classes start on top of each other.
    while (means.length < classes) {
      const v = unitVector(rng, dim);
      for (const m of means) {
        const dot = dotProduct(v, m);
        for (let j = 0; j < dim; j++) v[j] -= dot * m[j];
      }
      const norm = Math.sqrt(dotProduct(v, v));
      if (norm < 1e-6) continue;
      for (let j = 0; j < dim; j++) v[j] /= norm;
      means.push(v);
    }
    return means;
  }
  // More classes than dimensions: best of several candidates by distance to the means chosen so far.
  const candidates = 32;
  while (means.length < classes) {
    let best = unitVector(rng, dim);
    let bestDistance = minDistance(best, means);
    for (let c = 1; c < candidates && means.length > 0; c++) {
      const v = unitVector(rng, dim);
      const d = minDistance(v, means);
      if (d > bestDistance) {
        best = v;
        bestDistance = d;
      }
    }
    means.push(best);
  }
  return means;
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function minDistance(v: Float64Array, others: Float64Array[]): number {
  let best = Infinity;
  for (const o of others) {
    let d2 = 0;
    for (let j = 0; j < v.length; j++) d2 += (v[j] - o[j]) ** 2;
    best = Math.min(best, d2);
  }
  return Math.sqrt(best);
}
