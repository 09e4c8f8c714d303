// Synthetic generators: the paper's circle points and sweep exactly, sphere and blobs by their defining properties.
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../src-main/contract/result';
import { inputRow, type Dataset } from '../../../src-main/core/data/dataset';
import { blobsData, circleData, circleSweep, sphereData } from '../../../src-main/core/data/synthetic';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodedError) return e.code;
    throw e;
  }
  return 'no error';
}

const norm = (v: ArrayLike<number>): number => Math.hypot(...Array.from(v));

describe('circleData', () => {
  it("gives the paper's six points (cos i pi/3, sin i pi/3) with labels 0,1,0,1,0,1", () => {
    const data = circleData();
    expect(data).toMatchObject({ n: 6, d: 2, classes: 2 });
    for (let i = 0; i < 6; i++) {
      expect(data.x[2 * i]).toBeCloseTo(Math.cos((i * Math.PI) / 3), 15);
      expect(data.x[2 * i + 1]).toBeCloseTo(Math.sin((i * Math.PI) / 3), 15);
    }
    expect(Array.from(data.y)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('spaces n points evenly and supports halves and explicit labels', () => {
    const data = circleData(8, 'halves');
    expect(Array.from(data.y)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    for (let i = 0; i < 8; i++) expect(norm(inputRow(data, i))).toBeCloseTo(1, 15);
    expect(Math.atan2(data.x[3], data.x[2])).toBeCloseTo(Math.PI / 4, 15);
    expect(Array.from(circleData(3, [1, 1, 0]).y)).toEqual([1, 1, 0]);
    expect(Array.from(circleData(5, 'halves').y)).toEqual([0, 0, 0, 1, 1]);
  });

  it('rejects a label list of the wrong length and non-positive n', () => {
    expect(codeOf(() => circleData(6, [0, 1]))).toBe('data/shape-mismatch');
    expect(codeOf(() => circleData(0))).toBe('data/invalid');
  });
});

describe('circleSweep', () => {
  it('gives x1 = (1, 0) and 201 points at phi = linspace(-pi, pi, 201)', () => {
    const sweep = circleSweep();
    expect(sweep.count).toBe(201);
    expect(Array.from(sweep.x1)).toEqual([1, 0]);
    expect(sweep.phis[0]).toBe(-Math.PI);
    expect(sweep.phis[200]).toBe(Math.PI);
    expect(sweep.phis[100]).toBeCloseTo(0, 15);
    for (let j = 0; j < 201; j++) {
      expect(sweep.phis[j]).toBeCloseTo(-Math.PI + (j * Math.PI) / 100, 14);
      expect(sweep.x2[2 * j]).toBe(Math.cos(sweep.phis[j]));
      expect(sweep.x2[2 * j + 1]).toBe(Math.sin(sweep.phis[j]));
    }
  });

  it('handles small counts like numpy.linspace', () => {
    expect(Array.from(circleSweep(3).phis)).toEqual([-Math.PI, 0, Math.PI]);
    expect(Array.from(circleSweep(1).phis)).toEqual([-Math.PI]);
    expect(codeOf(() => circleSweep(0))).toBe('data/invalid');
  });
});

describe('sphereData', () => {
  it('puts every point on the unit sphere, deterministically per seed', () => {
    const data = sphereData(200, 7, 3);
    expect(data).toMatchObject({ n: 200, d: 7, classes: 2 });
    for (let i = 0; i < data.n; i++) expect(norm(inputRow(data, i))).toBeCloseTo(1, 12);
    expect(sphereData(200, 7, 3)).toEqual(data);
    expect(sphereData(200, 7, 4).x).not.toEqual(data.x);
  });

  it('keeps the first points and the labelling rule when n grows', () => {
    const small = sphereData(10, 5, 11);
    const large = sphereData(40, 5, 11);
    expect(large.x.subarray(0, 50)).toEqual(small.x);
    expect(large.y.subarray(0, 10)).toEqual(small.y);
  });

  it('labels a half-space: in 2-d, each label fills one contiguous half of the circle', () => {
    const data = sphereData(400, 2, 5);
    const points = Array.from({ length: data.n }, (_, i) => ({ angle: Math.atan2(data.x[2 * i + 1], data.x[2 * i]), label: data.y[i] }));
    points.sort((a, b) => a.angle - b.angle);
    let changes = 0;
    for (let i = 0; i < points.length; i++) if (points[i].label !== points[(i + 1) % points.length].label) changes++;
    expect(changes).toBe(2);
    const ones = data.y.reduce((s, v) => s + v, 0);
    expect(ones / data.n).toBeGreaterThan(0.4);
    expect(ones / data.n).toBeLessThan(0.6);
  });
});

function classMeans(data: Dataset): Float64Array[] {
  const means = Array.from({ length: data.classes }, () => new Float64Array(data.d));
  const counts = new Array<number>(data.classes).fill(0);
  for (let i = 0; i < data.n; i++) {
    counts[data.y[i]]++;
    inputRow(data, i).forEach((v, j) => (means[data.y[i]][j] += v));
  }
  return means.map((m, c) => m.map((v) => v / counts[c]));
}

describe('blobsData', () => {
  it('balances the classes and shuffles their order', () => {
    const data = blobsData(301, 4, 3, 0.5, 1);
    expect(data).toMatchObject({ n: 301, d: 4, classes: 3 });
    const counts = [0, 0, 0];
    data.y.forEach((c) => counts[c]++);
    expect(counts.sort()).toEqual([100, 100, 101]);
    expect(Array.from(data.y.subarray(0, 12))).not.toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(blobsData(301, 4, 3, 0.5, 1)).toEqual(data);
  });

  it('places unit-norm, mutually orthogonal means with spread as the RMS distance to them', () => {
    const dim = 20;
    const spread = 0.5;
    const data = blobsData(3000, dim, 3, spread, 2);
    const means = classMeans(data);
    for (const m of means) expect(norm(m)).toBeCloseTo(1, 1);
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) expect(norm(means[a].map((v, j) => v - means[b][j]))).toBeCloseTo(Math.SQRT2, 1);
    let sq = 0;
    for (let i = 0; i < data.n; i++) inputRow(data, i).forEach((v, j) => (sq += (v - means[data.y[i]][j]) ** 2));
    expect(Math.sqrt(sq / data.n)).toBeCloseTo(spread, 1);
  });

  it('stays separable when there are more classes than dimensions', () => {
    const data = blobsData(1000, 2, 5, 0.1, 3);
    const means = classMeans(data);
    let closest = Infinity;
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) closest = Math.min(closest, norm(means[a].map((v, j) => v - means[b][j])));
    expect(closest).toBeGreaterThan(0.5);
    let correct = 0;
    for (let i = 0; i < data.n; i++) {
      const row = inputRow(data, i);
      const distances = means.map((m) => norm(m.map((v, j) => v - row[j])));
      if (distances.indexOf(Math.min(...distances)) === data.y[i]) correct++;
    }
    expect(correct / data.n).toBeGreaterThan(0.9);
  });

  it('rejects fewer than two classes and bad sizes', () => {
    expect(codeOf(() => blobsData(10, 2, 1, 0.5, 0))).toBe('data/invalid');
    expect(codeOf(() => blobsData(0, 2, 2, 0.5, 0))).toBe('data/invalid');
    expect(codeOf(() => sphereData(10, 0, 0))).toBe('data/invalid');
  });
});
