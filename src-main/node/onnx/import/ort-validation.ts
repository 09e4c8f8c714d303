// Checks a translation against onnxruntime-node: the probe inputs go through both, and past the tolerance the
// import is refused with onnx/validation-failed. onnxruntime runs the file's own graph (external data inlined).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { CodedError } from '../../../contract/result';
import { TensorProtoDataType as DT } from '../onnx-schema';
import { sizeOf } from './ir';
import type { ImportedModel } from './imported-model';

/**
 * Elementwise bound |ours - ort| <= abs max(scale, SCALE_FLOOR) + rel |ort|, scale = max |ort| over the probe: abs is
 * relative to the output's own scale, so outputs around 1e-9 are not waved through by an absolute 1e-4. float32.
 */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { abs: 1e-4, rel: 1e-3 };

/** The smallest output scale the abs part is taken relative to (an all-zero output is compared at this scale). */
export const SCALE_FLOOR = 1e-6;

export interface ValidationReport {
  readonly samples: number;
  /** The value compared: f(x), or the logits under a final Sigmoid/Softmax (onnxruntime rounds saturated ones to 0). */
  readonly comparedOn: string;
  readonly maxAbsError: number;
  /** maxAbsError / max(scale, SCALE_FLOOR): the error relative to the output scale. */
  readonly maxRelError: number;
  /** max |ort| over the compared values. */
  readonly scale: number;
  readonly tolerance: Tolerance;
  /** Our f(x), [n * k] sample-major, float32. */
  readonly outputs: Float32Array;
  readonly ortMs: number;
  readonly tfjsMs: number;
}

/** The bound inputs for a batch of n, as onnxruntime tensors of their declared element types. */
function boundFeeds(model: ImportedModel, n: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const b of model.bindings) {
    const v = b.valueFor(n);
    const dims = [...v.shape];
    if (b.elemType === DT.INT64) feeds[b.name] = new ort.Tensor('int64', BigInt64Array.from(v.data, (d) => BigInt(Math.trunc(d))), dims);
    else if (b.elemType === DT.INT32) feeds[b.name] = new ort.Tensor('int32', Int32Array.from(v.data), dims);
    else if (b.elemType === DT.DOUBLE) feeds[b.name] = new ort.Tensor('float64', Float64Array.from(v.data), dims);
    else if (b.elemType === DT.BOOL) feeds[b.name] = new ort.Tensor('bool', Uint8Array.from(v.data), dims);
    else feeds[b.name] = new ort.Tensor('float32', Float32Array.from(v.data), dims);
  }
  return feeds;
}

async function ortOutputs(model: ImportedModel, x: Float64Array, n: number, bytes = model.referenceBytes, outputName = model.summary.outputName): Promise<Float32Array> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  } catch (error) {
    throw new CodedError('onnx/invalid-model', `${model.summary.identifier}: onnxruntime refuses the model (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    const size = sizeOf(model.inputShape);
    const chunk = model.summary.batch.kind === 'fixed' ? model.summary.batch.size : n;
    let out: Float32Array | undefined;
    for (let start = 0; start < n; start += chunk) {
      const count = Math.min(chunk, n - start);
      const feed = new Float32Array(chunk * size);
      for (let i = 0; i < chunk; i++) feed.set(Float32Array.from(x.subarray((start + Math.min(i, count - 1)) * size, (start + Math.min(i, count - 1) + 1) * size)), i * size);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run({ [model.summary.inputName]: new ort.Tensor('float32', feed, [chunk, ...model.inputShape]), ...boundFeeds(model, chunk) });
      } catch (error) {
        throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: onnxruntime cannot run the model (${(error as Error).message.split('\n')[0]})`);
      }
      const data = result[outputName].data as Float32Array;
      const perSample = data.length / chunk;
      if (outputName === model.summary.outputName && perSample !== model.outputs)
        throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: onnxruntime gives ${perSample} outputs per sample, the translation ${model.outputs}`);
      out ??= new Float32Array(n * perSample);
      out.set(data.subarray(0, count * perSample), start * perSample);
    }
    return out ?? new Float32Array(0);
  } finally {
    await session.release();
  }
}

/** f(x) [n * k] from the translation with the file's parameters, float32 on the active tfjs backend. */
export function translatedOutputs(model: ImportedModel, x: Float64Array, n: number, params = model.initialParams): Float32Array {
  return tf.tidy(() => {
    const named = Object.fromEntries(params.map((p) => [p.name, tf.tensor(p.values, [...p.shape])]));
    const input = tf.tensor(Float32Array.from(x), [n, ...model.inputShape]);
    return model.apply(named, input).dataSync() as Float32Array;
  });
}

/** ours vs ort under `tolerance`: the worst error, the scale, and the first element past the bound (-1 if none). */
function compare(ours: Float32Array, reference: Float32Array, tolerance: Tolerance): { maxAbs: number; scale: number; worst: number } {
  let scale = 0;
  for (const v of reference) scale = Math.max(scale, Math.abs(v));
  const abs = tolerance.abs * Math.max(scale, SCALE_FLOOR);
  let maxAbs = 0;
  let worst = -1;
  for (let i = 0; i < ours.length; i++) {
    const err = Math.abs(ours[i] - reference[i]);
    if (err > maxAbs) maxAbs = err;
    if (err > abs + tolerance.rel * Math.abs(reference[i]) && worst < 0) worst = i;
  }
  return { maxAbs, scale, worst };
}

/**
 * Runs x [n, ...inputShape] (float64, flattened) through onnxruntime and the translation and compares, on the logits
 * when f(x) is a Sigmoid or Softmax (see Preactivation). Throws onnx/validation-failed past `tolerance` or on
 * non-finite values. Cost: two forward passes (three and two sessions with a final activation).
 */
export async function validateAgainstOrt(model: ImportedModel, x: Float64Array, n: number, tolerance: Tolerance = DEFAULT_TOLERANCE): Promise<ValidationReport> {
  const pre = model.preactivation;
  const t0 = performance.now();
  const reference = await ortOutputs(model, x, n);
  const preReference = pre ? await ortOutputs(model, x, n, pre.referenceBytes, pre.name) : undefined;
  const t1 = performance.now();
  const ours = translatedOutputs(model, x, n);
  const preOurs = pre
    ? tf.tidy(() => {
        const named = Object.fromEntries(model.initialParams.map((p) => [p.name, tf.tensor(p.values, [...p.shape])]));
        return pre.apply(named, tf.tensor(Float32Array.from(x), [n, ...model.inputShape])).dataSync() as Float32Array;
      })
    : undefined;
  const t2 = performance.now();
  const finite = (a: Float32Array, b: Float32Array, what: string) => {
    const k = a.length / n;
    for (let i = 0; i < a.length; i++)
      if (!Number.isFinite(a[i]) || !Number.isFinite(b[i]))
        throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: ${what} ${i % k} of sample ${Math.floor(i / k)} is ${a[i]} here and ${b[i]} in onnxruntime`);
  };
  finite(ours, reference, 'output');
  const [a, b, comparedOn] = pre && preOurs && preReference ? [preOurs, preReference, `${pre.name} (the ${pre.op} input)`] : [ours, reference, model.summary.outputName];
  if (a !== ours) finite(a, b, `${pre?.op} input`);
  const { maxAbs, scale, worst } = compare(a, b, tolerance);
  const maxRel = maxAbs / Math.max(scale, SCALE_FLOOR);
  const k = a.length / n;
  if (worst >= 0)
    throw new CodedError(
      'onnx/validation-failed',
      `${model.summary.identifier}: the translation differs from onnxruntime on ${comparedOn} beyond tolerance (abs ${tolerance.abs} of the scale ${scale.toExponential(2)} [floor ${SCALE_FLOOR.toExponential(0)}], rel ${tolerance.rel}): max abs error ${maxAbs.toExponential(3)}, ${maxRel.toExponential(3)} of the scale; first at sample ${Math.floor(worst / k)} value ${worst % k} (${a[worst]} vs ${b[worst]})`,
    );
  return { samples: n, comparedOn, maxAbsError: maxAbs, maxRelError: maxRel, scale, tolerance, outputs: ours, ortMs: t1 - t0, tfjsMs: t2 - t1 };
}
