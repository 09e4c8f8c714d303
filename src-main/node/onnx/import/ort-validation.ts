// Checks a translation against onnxruntime-node: the probe inputs go through both, and past the tolerance the
// import is refused with onnx/validation-failed. onnxruntime runs the file's own graph (external data inlined).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { CodedError } from '../../../contract/result';
import { sizeOf } from './ir';
import type { ImportedModel } from './imported-model';

/** Elementwise bound |ours - ort| <= abs + rel |ort| (numpy allclose), float32 on both sides. */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { abs: 1e-4, rel: 1e-3 };

export interface ValidationReport {
  readonly samples: number;
  readonly maxAbsError: number;
  /** maxAbsError / max |ort output|: the error relative to the output scale. */
  readonly maxRelError: number;
  readonly tolerance: Tolerance;
  /** Our f(x), [n * k] sample-major, float32. */
  readonly outputs: Float32Array;
  readonly ortMs: number;
  readonly tfjsMs: number;
}

async function ortOutputs(model: ImportedModel, x: Float64Array, n: number): Promise<Float32Array> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model.referenceBytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  } catch (error) {
    throw new CodedError('onnx/invalid-model', `${model.summary.identifier}: onnxruntime refuses the model (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    const size = sizeOf(model.inputShape);
    const chunk = model.summary.batch.kind === 'fixed' ? model.summary.batch.size : n;
    const out = new Float32Array(n * model.outputs);
    for (let start = 0; start < n; start += chunk) {
      const count = Math.min(chunk, n - start);
      const feed = new Float32Array(chunk * size);
      for (let i = 0; i < chunk; i++) feed.set(Float32Array.from(x.subarray((start + Math.min(i, count - 1)) * size, (start + Math.min(i, count - 1) + 1) * size)), i * size);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run({ [model.summary.inputName]: new ort.Tensor('float32', feed, [chunk, ...model.inputShape]) });
      } catch (error) {
        throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: onnxruntime cannot run the model (${(error as Error).message.split('\n')[0]})`);
      }
      const data = result[model.summary.outputName].data as Float32Array;
      if (data.length !== chunk * model.outputs)
        throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: onnxruntime gives ${data.length / chunk} outputs per sample, the translation ${model.outputs}`);
      out.set(data.subarray(0, count * model.outputs), start * model.outputs);
    }
    return out;
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

/**
 * Runs x [n, ...inputShape] (float64, flattened) through onnxruntime and the translation and compares.
 * Throws onnx/validation-failed past `tolerance` or on non-finite outputs. Cost: two forward passes.
 */
export async function validateAgainstOrt(model: ImportedModel, x: Float64Array, n: number, tolerance: Tolerance = DEFAULT_TOLERANCE): Promise<ValidationReport> {
  const t0 = performance.now();
  const reference = await ortOutputs(model, x, n);
  const t1 = performance.now();
  const ours = translatedOutputs(model, x, n);
  const t2 = performance.now();
  let maxAbs = 0;
  let scale = 0;
  let worst = -1;
  for (let i = 0; i < ours.length; i++) {
    if (!Number.isFinite(ours[i]) || !Number.isFinite(reference[i]))
      throw new CodedError('onnx/validation-failed', `${model.summary.identifier}: output ${i % model.outputs} of sample ${Math.floor(i / model.outputs)} is ${ours[i]} here and ${reference[i]} in onnxruntime`);
    const err = Math.abs(ours[i] - reference[i]);
    scale = Math.max(scale, Math.abs(reference[i]));
    if (err > maxAbs) maxAbs = err;
    if (err > tolerance.abs + tolerance.rel * Math.abs(reference[i]) && worst < 0) worst = i;
  }
  const maxRel = maxAbs / Math.max(scale, Number.MIN_VALUE);
  if (worst >= 0)
    throw new CodedError(
      'onnx/validation-failed',
      `${model.summary.identifier}: the translation differs from onnxruntime beyond tolerance (abs ${tolerance.abs}, rel ${tolerance.rel}): max abs error ${maxAbs.toExponential(3)}, relative ${maxRel.toExponential(3)}; first at sample ${Math.floor(worst / model.outputs)} output ${worst % model.outputs} (${ours[worst]} vs ${reference[worst]})`,
    );
  return { samples: n, maxAbsError: maxAbs, maxRelError: maxRel, tolerance, outputs: ours, ortMs: t1 - t0, tfjsMs: t2 - t1 };
}
