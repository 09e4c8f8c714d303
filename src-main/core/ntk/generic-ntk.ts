// Generic empirical NTK for any DifferentiableModel: one forward per sample and one reverse-mode pass per (sample,
// output) give a Jacobian row; rows are gathered in float32 blocks and contracted through the MatmulEngine. The
// reference for the structured algorithm and the path imported ONNX models take. Cost: n forwards and n k backward
// passes + O((n k)^2 P).
import * as tf from '@tensorflow/tfjs-core';
import { CodedError } from '../../contract/result';
import { JACOBIAN_BLOCK_BYTES } from '../../contract/run-memory';
import { macrotaskYielder } from '../macrotask';
import { withConstantTransposes } from '../models/constant-transposes';
import { gradientsPerSeed } from '../models/one-forward-gradients';
import { type DifferentiableModel, paramTensors } from '../models/differentiable-model';
import { paramCount as countParams, type ParamSet } from '../models/params';
import { type MatmulEngine, matrix, type MatrixF32 } from '../linalg/gram-engine';
import { classRows, type KernelMode } from './kernel-types';

export interface GenericNtkOptions {
  /** Largest Jacobian block kept in memory, in bytes (default 512 MiB); beyond it rows are recomputed per block. */
  readonly blockBytes?: number;
  /** Checked before every Jacobian row: a long kernel stops within one backward pass (CodedError train/cancelled). */
  readonly signal?: AbortSignal;
}

/**
 * Jacobian rows for samples [from, to) of x (n x sampleSize, float64): [(to-from) k, P] float32, sample-major. One
 * forward per sample and one backward per row (gradientsPerSeed), the cancel checked before every row.
 */
async function jacobianRows(model: DifferentiableModel, tensors: tf.Tensor[], x: Float64Array, from: number, to: number, paramCount: number, signal?: AbortSignal): Promise<MatrixF32> {
  const k = model.outputs;
  const sampleSize = model.inputShape.reduce((s, v) => s * v, 1);
  const rows = new Float32Array((to - from) * k * paramCount);
  const named = Object.fromEntries(model.params.map((spec, idx) => [spec.name, tensors[idx]]));
  // A cancel message (or a timer) reaches the signal while rows are computed.
  const pause = macrotaskYielder();
  for (let i = from; i < to; i++) {
    const xi = tf.tensor(Float32Array.from(x.subarray(i * sampleSize, (i + 1) * sampleSize)), [1, ...model.inputShape]);
    try {
      await gradientsPerSeed(
        () => model.apply(named, xi),
        tensors,
        k,
        (c) => tf.tensor2d(Float32Array.from({ length: k }, (_, e) => (e === c ? 1 : 0)), [1, k]),
        (c, grads) => {
          let offset = ((i - from) * k + c) * paramCount;
          for (const g of grads) {
            const values = g.dataSync() as Float32Array;
            rows.set(values, offset);
            offset += values.length;
          }
        },
        async (c) => {
          await pause();
          if (signal?.aborted) throw new CodedError('train/cancelled', `the kernel was cancelled at Jacobian row ${i * k + c} of ${x.length / sampleSize} samples x ${k} outputs`);
        },
      );
    } finally {
      xi.dispose();
    }
  }
  return matrix((to - from) * k, paramCount, rows);
}

/**
 * Empirical NTK by autodiff Jacobians. x1 [n1, ...inputShape] float64 flattened; x2 optional (default x1).
 * full: [n1 k, n2 k] sample-major; trace: [n1, n2] summed over classes. Float64 result.
 */
export async function genericNtk(
  engine: MatmulEngine,
  model: DifferentiableModel,
  params: ParamSet,
  x1: Float64Array,
  n1: number,
  mode: KernelMode,
  x2?: Float64Array,
  n2?: number,
  options: GenericNtkOptions = {},
): Promise<Float64Array> {
  const k = model.outputs;
  const paramCount = countParams(params);
  const tensors = paramTensors(model, params);
  const other = x2 ?? x1;
  const otherN = x2 ? (n2 as number) : n1;
  const perSample = k * paramCount * 4;
  const block = Math.max(1, Math.floor((options.blockBytes ?? JACOBIAN_BLOCK_BYTES) / 2 / perSample));
  const cols = mode === 'full' ? otherN * k : otherN;
  const kernel = new Float64Array((mode === 'full' ? n1 * k : n1) * cols);
  try {
    await withConstantTransposes(tensors, () => fillKernel());
  } finally {
    tf.dispose(tensors);
  }
  return kernel;

  async function fillKernel(): Promise<void> {
    for (let r0 = 0; r0 < n1; r0 += block) {
      const r1 = Math.min(n1, r0 + block);
      const jr = await jacobianRows(model, tensors, x1, r0, r1, paramCount, options.signal);
      const symmetric = x2 === undefined;
      for (let s0 = symmetric ? r0 : 0; s0 < otherN; s0 += block) {
        const s1 = Math.min(otherN, s0 + block);
        const js = symmetric && s0 === r0 ? jr : await jacobianRows(model, tensors, other, s0, s1, paramCount, options.signal);
        const put = (gram: ArrayLike<number>, rowStart: number, rowCount: number, colStart: number, colCount: number) => {
          for (let i = 0; i < rowCount; i++)
            for (let j = 0; j < colCount; j++) {
              const v = gram[i * colCount + j];
              kernel[(rowStart + i) * cols + colStart + j] += v;
              if (symmetric && s0 !== r0) kernel[(colStart + j) * cols + rowStart + i] += v;
            }
        };
        if (mode === 'full') put(await engine.crossGram(jr, js), r0 * k, (r1 - r0) * k, s0 * k, (s1 - s0) * k);
        else for (let c = 0; c < k; c++) put(await engine.crossGram(classRows(jr, k, c), classRows(js, k, c)), r0, r1 - r0, s0, s1 - s0);
      }
    }
  }
}
