// MatmulEngine on onnxruntime-node: G = A B^T (and A B) for float32 blocks through one-node models (Gemm transB = 1,
// MatMul) with symbolic dims, each session created once and reused for every shape, and the structured eNTK's ReLU
// masks (the masked seed rows; the masked, scaled backward product) each in one run. Inputs are wrapped without a copy; the float32 product comes
// back as a fresh array that crossGram hands on without widening (callers sum in float64).
import { matrix, type MatmulEngine, type MatrixF32 } from '../../core/linalg/gram-engine';
import { checkMaskedBackward, checkMaskedSeed, type ReluMaskEngine } from '../../core/linalg/relu-mask-engine';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { checkThreads, createSession, f32Tensor, ort, SPIN_BETWEEN_JS_PASSES } from './ort-session';

export interface OrtGramOptions {
  /** Intra-op threads; default every core. */
  readonly threads?: number;
  /** Busy-wait in onnxruntime's thread pool between parallel sections; default SPIN_BETWEEN_JS_PASSES (off, see ort-session). */
  readonly spinning?: boolean;
  /** crossGram through 'gemm' (default): Gemm(A, B, transB = 1), or 'matmul': B transposed in JS, then MatMul(A, B^T). */
  readonly product?: 'gemm' | 'matmul';
}

export interface OrtGramEngine extends MatmulEngine, ReluMaskEngine {
  readonly threads: number;
  /** Whether its pool threads spin between runs (the conv backward built on it does the same). */
  readonly spinning: boolean;
  readonly product: 'gemm' | 'matmul';
  /** A B^T as float32 [a.rows, b.rows], the array onnxruntime returns (no widening). Cost 2 a.rows b.rows a.cols flops. */
  crossGramF32(a: MatrixF32, b: MatrixF32): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Gemm(A, B, transB = 1) -> A B^T, or MatMul(A, B) -> A B; dims symbolic so one session serves every shape. */
function productModel(transposeB: boolean): Uint8Array {
  const model = new ModelBuilder({ graphName: transposeB ? 'a-bt' : 'a-b' });
  const a = model.input('A', 'float32', ['p', 'm']);
  const b = model.input('B', 'float32', transposeB ? ['q', 'm'] : ['m', 'q']);
  if (transposeB) model.op('Gemm', [a, b], { transB: attr.int(1) }, 'G');
  else model.op('MatMul', [a, b], {}, 'G');
  model.output('G', 'float32', ['p', 'q']);
  return model.encode();
}

/**
 * Y [n, k, q] = Where(H > 0, float32(F * float64(D W)), 0) for D [n, k, m], W [m, q], H [n, 1, q], F a float64 scalar:
 * the scale as core's fallback does it (a float64 multiply rounded to float32), +0 where H is not > 0 (NaN included).
 * Moving these two passes over the 10 MB product of the bench's MLP into the run cost onnxruntime about 3 ms where
 * JavaScript took about 9 ms.
 */
function maskedBackwardModel(): Uint8Array {
  const model = new ModelBuilder({ graphName: 'masked-backward' });
  const d = model.input('D', 'float32', ['n', 'k', 'm']);
  const w = model.input('W', 'float32', ['m', 'q']);
  const factor = model.input('F', 'float64', []);
  const h = model.input('H', 'float32', ['n', 1, 'q']);
  const product = model.op('Cast', [model.op('MatMul', [d, w])], { to: attr.int(11) });
  const scaled = model.op('Cast', [model.op('Mul', [product, factor])], { to: attr.int(1) });
  const zero = model.initializer('zero', 'float32', [], [0]);
  model.op('Where', [model.op('Greater', [h, zero]), scaled, zero], {}, 'Y');
  model.output('Y', 'float32', ['n', 'k', 'q']);
  return model.encode();
}

/** Y [n, k, m] = Where(H > 0, S, 0) for S [1, k, m], H [n, 1, m]: each sample's copy of the seed rows, masked. */
function maskedSeedModel(): Uint8Array {
  const model = new ModelBuilder({ graphName: 'masked-seed' });
  const seed = model.input('S', 'float32', [1, 'k', 'm']);
  const h = model.input('H', 'float32', ['n', 1, 'm']);
  const zero = model.initializer('zero', 'float32', [], [0]);
  model.op('Where', [model.op('Greater', [h, zero]), seed, zero], {}, 'Y');
  model.output('Y', 'float32', ['n', 'k', 'm']);
  return model.encode();
}

function checkMatrix(label: string, x: MatrixF32): void {
  if (x.data.length !== x.rows * x.cols) throw new Error(`${label}: ${x.data.length} values for ${x.rows} x ${x.cols}`);
}

function transpose(x: MatrixF32): Float32Array {
  const out = new Float32Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out[j * x.rows + i] = x.data[i * x.cols + j];
  return out;
}

/**
 * A GramEngine on onnxruntime's CPU provider. The session is created once here; crossGram accepts any shapes.
 * Cost: 2 p q m flops for [p, m] x [q, m]; the float32 product comes back without a widening copy. A self Gram's
 * symmetry is used by the caller (structured-ntk.ts computes the upper block triangle of its cotangent Grams).
 */
export async function createOrtGramEngine(options: OrtGramOptions = {}): Promise<OrtGramEngine> {
  const threads = checkThreads(options.threads);
  const product = options.product ?? 'gemm';
  const spinning = options.spinning ?? SPIN_BETWEEN_JS_PASSES;
  const [abT, ab, seeded, masked] = await Promise.all([
    createSession(productModel(true), threads, spinning),
    createSession(productModel(false), threads, spinning),
    createSession(maskedSeedModel(), threads, spinning),
    createSession(maskedBackwardModel(), threads, spinning),
  ]);

  /** [p, m] times [m, q] (or [q, m] transposed): float32 [p, q]. */
  const run = async (session: ort.InferenceSession, a: MatrixF32, b: MatrixF32, transposeB: boolean): Promise<Float32Array> => {
    const q = transposeB ? b.rows : b.cols;
    if (a.rows === 0 || q === 0 || a.cols === 0) return new Float32Array(a.rows * q);
    const result = await session.run({ A: f32Tensor(a.data, [a.rows, a.cols]), B: f32Tensor(b.data, [b.rows, b.cols]) });
    return result.G.data as Float32Array;
  };

  const multiply = (a: MatrixF32, b: MatrixF32): Promise<Float32Array> =>
    product === 'gemm' ? run(abT, a, b, true) : run(ab, a, { rows: b.cols, cols: b.rows, data: transpose(b) }, false);

  const crossGramF32 = async (a: MatrixF32, b: MatrixF32): Promise<Float32Array> => {
    checkMatrix('A', a);
    checkMatrix('B', b);
    if (a.cols !== b.cols) throw new Error(`A B^T needs equal column counts, got ${a.cols} and ${b.cols}`);
    return multiply(a, b);
  };

  return {
    name: `onnxruntime-cpu-${product}`,
    threads,
    spinning,
    product,
    crossGramF32,
    crossGram: crossGramF32,
    matmul: async (a, b, transposeB) => {
      checkMatrix('A', a);
      checkMatrix('B', b);
      const inner = transposeB ? b.cols : b.rows;
      if (a.cols !== inner) throw new Error(`matmul: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}${transposeB ? '^T' : ''}`);
      const data = await run(transposeB ? abT : ab, a, b, transposeB);
      return matrix(a.rows, transposeB ? b.rows : b.cols, data);
    },
    maskedSeed: async (seed, activations) => {
      checkMatrix('S', seed);
      checkMatrix('H', activations);
      checkMaskedSeed(seed, activations);
      const n = activations.rows;
      const m = seed.cols;
      if (n === 0 || seed.rows === 0 || m === 0) return matrix(n * seed.rows, m, new Float32Array(n * seed.rows * m));
      const result = await seeded.run({ S: f32Tensor(seed.data, [1, seed.rows, m]), H: f32Tensor(activations.data, [n, 1, m]) });
      return matrix(n * seed.rows, m, result.Y.data as Float32Array);
    },
    maskedBackward: async (rows, weight, factor, activations, k) => {
      checkMatrix('D', rows);
      checkMatrix('W', weight);
      checkMatrix('H', activations);
      checkMaskedBackward(rows, weight, activations, k);
      const n = activations.rows;
      const q = weight.cols;
      // No zero-sized run: the product is all zeros then (or empty), and so is its masked, scaled self.
      if (n === 0 || k === 0 || q === 0 || weight.rows === 0) return matrix(rows.rows, q, new Float32Array(rows.rows * q));
      const result = await masked.run({
        D: f32Tensor(rows.data, [n, k, weight.rows]),
        W: f32Tensor(weight.data, [weight.rows, q]),
        F: new ort.Tensor('float64', Float64Array.of(factor), []),
        H: f32Tensor(activations.data, [n, 1, q]),
      });
      return matrix(rows.rows, q, result.Y.data as Float32Array);
    },
    dispose: async () => {
      await Promise.all([abT.release(), ab.release(), seeded.release(), masked.release()]);
    },
  };
}
