// The ReLU masks of the structured eNTK's cotangent rows: each sample's k rows keep their values where the sample's
// activation is > 0 and are +0 elsewhere (NaN included). The top layer's rows are the readout's seed rows masked; each
// layer below takes factor (D W), masked. Core ships both on the MatmulEngine (the GEMM on it, the scale and the masks
// as JavaScript passes); node/ passes onnxruntime's in (each a single run, the passes vectorised inside it:
// node/ort/ort-relu-masks.ts), as it does the conv backward. Both give the same bits: the scale is a float64 multiply
// rounded to float32.
import { type MatmulEngine, type MatrixF32, matrix } from './gram-engine';

export interface ReluMaskEngine {
  /** Rows i k + c = seed row c [k, m], +0 in every column where activations [n, m] row i is not > 0. A fresh [n k, m]. */
  maskedSeed(seed: MatrixF32, activations: MatrixF32): Promise<MatrixF32>;
  /**
   * Rows i k + c of factor (D W), D [n k, m], W [m, q], +0 in every column where activations [n, q] row i is not > 0.
   * Float32 product; the scale in float64, rounded to float32. A fresh matrix [n k, q].
   */
  maskedBackward(rows: MatrixF32, weight: MatrixF32, factor: number, activations: MatrixF32, k: number): Promise<MatrixF32>;
}

export function hasReluMasks(engine: MatmulEngine): engine is MatmulEngine & ReluMaskEngine {
  const e = engine as Partial<ReluMaskEngine>;
  return typeof e.maskedSeed === 'function' && typeof e.maskedBackward === 'function';
}

/** Throws unless seed [k, m] and activations [n, m] fit together. */
export function checkMaskedSeed(seed: MatrixF32, activations: MatrixF32): void {
  if (seed.cols !== activations.cols) throw new Error(`masked seed: seed ${seed.rows}x${seed.cols} and activations ${activations.rows}x${activations.cols} differ in columns`);
}

/** Throws unless rows [n k, m], weight [m, q] and activations [n, q] fit together. */
export function checkMaskedBackward(rows: MatrixF32, weight: MatrixF32, activations: MatrixF32, k: number): void {
  if (rows.cols !== weight.rows || activations.cols !== weight.cols || rows.rows !== activations.rows * k) {
    throw new Error(`masked backward: rows ${rows.rows}x${rows.cols}, weight ${weight.rows}x${weight.cols} and activations ${activations.rows}x${activations.cols} do not fit with k = ${k}`);
  }
}

/** Multiplies the matrix's values by factor in place (float64 products rounded to float32) and returns it. */
export function scaleInPlace(mat: MatrixF32, factor: number): MatrixF32 {
  if (factor !== 1) for (let i = 0; i < mat.data.length; i++) mat.data[i] *= factor;
  return mat;
}

function maskSeedRows(seed: MatrixF32, activations: MatrixF32): MatrixF32 {
  const k = seed.rows;
  const m = activations.cols;
  const out = new Float32Array(activations.rows * k * m);
  for (let i = 0; i < activations.rows; i++) {
    const act = i * m;
    for (let c = 0; c < k; c++) {
      const src = c * m;
      const dst = (i * k + c) * m;
      for (let j = 0; j < m; j++) if (activations.data[act + j] > 0) out[dst + j] = seed.data[src + j];
    }
  }
  return matrix(activations.rows * k, m, out);
}

/**
 * Masks per-sample rows (i k + c) by each sample's ReLU, in place: the rows are a fresh engine output, and writing a
 * new 10 MB array per layer costs more in page faults than the masking itself.
 */
function maskRowsInPlace(rows: MatrixF32, activations: MatrixF32, k: number): MatrixF32 {
  const m = activations.cols;
  const data = rows.data;
  for (let i = 0; i < activations.rows; i++) {
    const act = i * m;
    for (let c = 0; c < k; c++) {
      const dst = (i * k + c) * m;
      for (let j = 0; j < m; j++) if (!(activations.data[act + j] > 0)) data[dst + j] = 0;
    }
  }
  return rows;
}

/** The engine's own masks when it has them (onnxruntime), else the GEMM on it and the passes in JS. */
export function reluMasksOf(engine: MatmulEngine): ReluMaskEngine {
  if (hasReluMasks(engine)) return engine;
  return {
    maskedSeed: async (seed, activations) => {
      checkMaskedSeed(seed, activations);
      return maskSeedRows(seed, activations);
    },
    maskedBackward: async (rows, weight, factor, activations, k) => {
      checkMaskedBackward(rows, weight, activations, k);
      return maskRowsInPlace(scaleInPlace(await engine.matmul(rows, weight, false), factor), activations, k);
    },
  };
}
