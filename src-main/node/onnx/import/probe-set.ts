// Probe sets for imported models: a file (JSON {"inputs", "labels"?, "bind"?}, .npy, .csv; see node/data/files.ts) or an
// MNIST subset `mnist:N[:seed]`, checked against the model's input (sample size, finite values).
import { CodedError } from '../../../contract/result';
import { readInputsFile } from '../../data/files';
import { loadMnist } from '../../data/mnist';
import type { BindSpec } from './input-binding';
import { sizeOf } from './ir';

export interface ProbeSet {
  /** n x prod(sampleShape), row-major float64. */
  readonly x: Float64Array;
  readonly n: number;
  readonly sampleShape: readonly number[];
  /** Where it came from, for reports. */
  readonly source: string;
  /** Values for the model's other inputs given with the probe (JSON "bind"); options given elsewhere take precedence. */
  readonly bind?: Readonly<Record<string, BindSpec>>;
}

/** The probe's bindings under those given explicitly (command line, app). */
export function withProbeBindings<T extends { readonly bind?: Readonly<Record<string, BindSpec>> }>(options: T, probe: ProbeSet): T {
  return probe.bind ? { ...options, bind: { ...probe.bind, ...options.bind } } : options;
}

const MNIST = /^mnist:(\d+)(?::(\d+))?$/;

/** Reads a probe set from a path or `mnist:N[:seed]` (N digits drawn with the seed, default 0, pixels in [0, 1]). */
export async function loadProbeSet(spec: string): Promise<ProbeSet> {
  const mnist = MNIST.exec(spec);
  if (mnist) {
    const n = Number(mnist[1]);
    if (n < 1) throw new CodedError('data/invalid', `${spec}: a probe set needs at least one sample`);
    const data = await loadMnist({ n, labels: 'digit', balanced: false, seed: Number(mnist[2] ?? 0) });
    return { x: data.x, n: data.n, sampleShape: [data.d], source: spec };
  }
  const file = await readInputsFile(spec);
  return { x: file.x, n: file.n, sampleShape: file.sampleShape, source: spec, ...(file.bind ? { bind: file.bind } : {}) };
}

/** A probe set from data in memory (the app), checked for shape and finite values. */
export function probeFromArray(x: ArrayLike<number>, n: number, sampleShape: readonly number[], source = 'memory'): ProbeSet {
  if (!Number.isInteger(n) || n < 1) throw new CodedError('data/invalid', `${source}: a probe set needs at least one sample (n = ${n})`);
  if (x.length !== n * sizeOf(sampleShape)) throw new CodedError('data/shape-mismatch', `${source}: ${x.length} values for ${n} samples of shape [${sampleShape.join(', ')}]`);
  return { x: Float64Array.from(x), n, sampleShape: [...sampleShape], source };
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Whether each probe sample fills the model's input, and the sentence the Import form shows either way. */
export interface ProbeFit {
  readonly fits: boolean;
  readonly message: string;
}

/**
 * Whether the probe's samples fit an input of `inputShape` under the importer's rule: a sample is reshaped to the
 * input's shape, so only the number of values must agree ([784] fits [1, 28, 28]: the same row-major values).
 */
export function probeFit(sampleShape: readonly number[], inputShape: readonly number[]): ProbeFit {
  const want = sizeOf(inputShape);
  const have = sizeOf(sampleShape);
  const same = sampleShape.length === inputShape.length && sampleShape.every((d, i) => d === inputShape[i]);
  if (have === want) return { fits: true, message: `probe samples are ${shapeText(sampleShape)}, the model takes ${shapeText(inputShape)}${same ? '' : ` (${want} values)`}: ok` };
  return { fits: false, message: `probe samples have ${have} values (${shapeText(sampleShape)}), the model takes ${want} (${shapeText(inputShape)})` };
}

/**
 * Throws data/shape-mismatch unless each probe sample fills the model's input (probeFit) and data/invalid for NaN or
 * infinite values.
 */
export function checkProbeFits(probe: ProbeSet, inputShape: readonly number[], model: string): void {
  const fit = probeFit(probe.sampleShape, inputShape);
  if (!fit.fits) throw new CodedError('data/shape-mismatch', `${probe.source}: ${fit.message}, so they do not fit ${model}`);
  const have = sizeOf(probe.sampleShape);
  for (let i = 0; i < probe.x.length; i++)
    if (!Number.isFinite(probe.x[i])) throw new CodedError('data/invalid', `${probe.source}: sample ${Math.floor(i / have)} value ${i % have} is ${probe.x[i]}`);
}
