// MatmulEngine on onnxruntime-node: G = A B^T (and A B) for float32 blocks through one-node models (Gemm transB = 1,
// MatMul) with symbolic dims, each session created once and reused for every shape. Inputs are wrapped without a copy;
// the float32 product comes back as a fresh array that crossGram hands on without widening (callers sum in float64).
import type { DenseProducts } from '../../core/linalg/dense-products';
import { type HeldMatrix, matrix, type MatmulEngine, type MatrixF32 } from '../../core/linalg/gram-engine';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { lazyOrtDenseProducts } from './ort-f64-gram';
import { checkThreads, createSession, f32Tensor, SPIN_BETWEEN_JS_PASSES, type ort } from './ort-session';

export interface OrtGramOptions {
  /** Intra-op threads; default every core. */
  readonly threads?: number;
  /** Busy-wait in onnxruntime's thread pool between parallel sections; default SPIN_BETWEEN_JS_PASSES (off, see ort-session). */
  readonly spinning?: boolean;
  /** crossGram through 'gemm' (default): Gemm(A, B, transB = 1), or 'matmul': B transposed in JS, then MatMul(A, B^T). */
  readonly product?: 'gemm' | 'matmul';
}

export interface OrtGramEngine extends MatmulEngine {
  readonly threads: number;
  /** Whether its pool threads spin between runs (the conv backward built on it does the same). */
  readonly spinning: boolean;
  readonly product: 'gemm' | 'matmul';
  /** A B^T as float32 [a.rows, b.rows], the array onnxruntime returns (no widening). Cost 2 a.rows b.rows a.cols flops. */
  crossGramF32(a: MatrixF32, b: MatrixF32): Promise<Float32Array>;
  /** M wrapped once (no copy); each times(V) is one Gemm(V, M, transB = 1) run. */
  hold(m: MatrixF32): HeldMatrix;
  /** onnxruntime's double Gemm and MatMul, their sessions built by the first product. */
  readonly float64: DenseProducts;
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
  const [abT, ab] = await Promise.all([
    createSession(productModel(true), threads, spinning),
    createSession(productModel(false), threads, spinning),
  ]);

  const float64 = lazyOrtDenseProducts(threads);
  // dispose() once, however often it is called (the app's shutdown and a job's cleanup may both call it); a product
  // after it is a clear error instead of onnxruntime's on a released session.
  let disposed: Promise<void> | undefined;
  const live = () => {
    if (disposed) throw new Error('the onnxruntime engine was disposed: create a new one');
  };

  /** [p, m] times [m, q] (or [q, m] transposed): float32 [p, q]. */
  const run = async (session: ort.InferenceSession, a: MatrixF32, b: MatrixF32, transposeB: boolean): Promise<Float32Array> => {
    live();
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
    hold: (m) => {
      checkMatrix('M', m);
      const held = f32Tensor(m.data, [m.rows, m.cols]);
      return {
        times: async (v) => {
          checkMatrix('V', v);
          if (v.cols !== m.cols) throw new Error(`V M^T needs equal column counts, got ${v.cols} and ${m.cols}`);
          if (v.rows === 0 || m.rows === 0) return new Float32Array(v.rows * m.rows);
          live();
          const result = await abT.run({ A: f32Tensor(v.data, [v.rows, v.cols]), B: held });
          return result.G.data as Float32Array;
        },
        release: () => {},
      };
    },
    float64: {
      name: float64.name,
      abT: async (...args) => {
        live();
        return float64.abT(...args);
      },
      ab: async (...args) => {
        live();
        return float64.ab(...args);
      },
    },
    dispose: () =>
      (disposed ??= Promise.all([abT.release(), ab.release(), float64.dispose()]).then(() => undefined)),
  };
}
