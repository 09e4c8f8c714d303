// The in-memory dataset every engine consumes: row-major float64 inputs and integer labels.
// Loaders (synthetic here in core, files and MNIST in node/) all return this shape and check it.
import { CodedError } from '../../contract/result';

export interface Dataset {
  /** n x d inputs, row-major. */
  readonly x: Float64Array;
  /** n integer labels in [0, classes). */
  readonly y: Int32Array;
  readonly n: number;
  readonly d: number;
  /** Number of label classes (2 for binary problems). */
  readonly classes: number;
  /** Where the data came from, recorded with a run. */
  readonly description: string;
}

/** Builds a Dataset after checking shapes and values; throws `data/invalid` or `data/shape-mismatch` with a readable reason. */
export function makeDataset(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, description: string, classes?: number): Dataset {
  if (!Number.isInteger(n) || n <= 0) throw new CodedError('data/invalid', `dataset needs at least one sample (got n = ${n})`);
  if (!Number.isInteger(d) || d <= 0) throw new CodedError('data/invalid', `inputs need at least one feature (got d = ${d})`);
  if (x.length !== n * d) throw new CodedError('data/shape-mismatch', `inputs hold ${x.length} values but n x d = ${n} x ${d} = ${n * d}`);
  if (y.length !== n) throw new CodedError('data/shape-mismatch', `${y.length} labels for ${n} inputs`);
  const xs = Float64Array.from(x);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new CodedError('data/invalid', `input ${Math.floor(i / d)} feature ${i % d} is ${xs[i]}`);
  }
  const ys = new Int32Array(n);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const label = y[i];
    if (!Number.isInteger(label) || label < 0) throw new CodedError('data/invalid', `label ${i} is ${label}; labels must be integers >= 0`);
    ys[i] = label;
    maxLabel = Math.max(maxLabel, label);
  }
  const k = classes ?? Math.max(2, maxLabel + 1);
  if (maxLabel >= k) throw new CodedError('data/invalid', `label ${maxLabel} is out of range for ${k} classes`);
  return { x: xs, y: ys, n, d, classes: k, description };
}

/** Row i of the inputs (a view, no copy). */
export function inputRow(data: Dataset, i: number): Float64Array {
  return data.x.subarray(i * data.d, (i + 1) * data.d);
}
