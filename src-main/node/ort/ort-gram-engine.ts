// MatmulEngine on onnxruntime-node: G = A B^T (and A B) for float32 blocks through one-node models (Gemm transB = 1,
// MatMul) with symbolic dims, each session created once and reused for every shape. Inputs are wrapped without a copy;
// the float32 product comes back as a fresh array that crossGram hands on without widening (callers sum in float64).
import { matrix, type MatmulEngine, type MatrixF32 } from '../../core/linalg/gram-engine';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { checkThreads, createSession, f32Tensor, type ort } from './ort-session';

export interface OrtGramOptions {
  /** Intra-op threads; default every core. */
  readonly threads?: number;
  /** Busy-wait in onnxruntime's thread pool between parallel sections; default true (see ort-session). */
  readonly spinning?: boolean;
  /** crossGram through 'gemm' (default): Gemm(A, B, transB = 1), or 'matmul': B transposed in JS, then MatMul(A, B^T). */
  readonly product?: 'gemm' | 'matmul';
  /**
   * For A A^T (b is a, or the same data): 'full' (default) multiplies as for any B; 'blocked' computes the upper block
   * triangle of a 2 x 2 row split (3/4 of the flops, three runs) and mirrors it while widening.
   */
  readonly symmetric?: 'full' | 'blocked';
}

export interface OrtGramEngine extends MatmulEngine {
  readonly threads: number;
  readonly product: 'gemm' | 'matmul';
  readonly symmetric: 'full' | 'blocked';
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

function checkMatrix(label: string, x: MatrixF32): void {
  if (x.data.length !== x.rows * x.cols) throw new Error(`${label}: ${x.data.length} values for ${x.rows} x ${x.cols}`);
}

function transpose(x: MatrixF32): Float32Array {
  const out = new Float32Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out[j * x.rows + i] = x.data[i * x.cols + j];
  return out;
}

function rowBlock(x: MatrixF32, start: number, end: number): MatrixF32 {
  return { rows: end - start, cols: x.cols, data: x.data.subarray(start * x.cols, end * x.cols) };
}

/**
 * A GramEngine on onnxruntime's CPU provider. The session is created once here; crossGram accepts any shapes.
 * Cost: 2 p q m flops for [p, m] x [q, m] (3/4 of that for blocked A A^T), plus the output copied twice (float32 out of
 * onnxruntime, float64 here).
 */
export async function createOrtGramEngine(options: OrtGramOptions = {}): Promise<OrtGramEngine> {
  const threads = checkThreads(options.threads);
  const product = options.product ?? 'gemm';
  const symmetric = options.symmetric ?? 'full';
  const [abT, ab] = await Promise.all([
    createSession(productModel(true), threads, options.spinning),
    createSession(productModel(false), threads, options.spinning),
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

  const crossGramF32 = (a: MatrixF32, b: MatrixF32): Promise<Float32Array> => {
    checkMatrix('A', a);
    checkMatrix('B', b);
    if (a.cols !== b.cols) throw new Error(`A B^T needs equal column counts, got ${a.cols} and ${b.cols}`);
    return multiply(a, b);
  };

  const blockedSelfGram = async (a: MatrixF32): Promise<Float64Array> => {
    const p = a.rows;
    const h = Math.ceil(p / 2);
    const top = rowBlock(a, 0, h);
    const bottom = rowBlock(a, h, p);
    const out = new Float64Array(p * p);
    const place = (block: Float32Array, r0: number, c0: number, rows: number, cols: number, mirror: boolean): void => {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const v = block[i * cols + j];
          out[(r0 + i) * p + c0 + j] = v;
          if (mirror) out[(c0 + j) * p + r0 + i] = v;
        }
      }
    };
    place(await multiply(top, top), 0, 0, h, h, false);
    place(await multiply(top, bottom), 0, h, h, p - h, true);
    place(await multiply(bottom, bottom), h, h, p - h, p - h, false);
    return out;
  };

  return {
    name: `onnxruntime-cpu-${product}`,
    threads,
    product,
    symmetric,
    crossGramF32,
    crossGram: async (a, b) => {
      const same = a === b || (a.data === b.data && a.rows === b.rows && a.cols === b.cols);
      if (same && symmetric === 'blocked' && a.rows >= 2 && a.cols > 0) {
        checkMatrix('A', a);
        return blockedSelfGram(a);
      }
      return crossGramF32(a, b);
    },
    matmul: async (a, b, transposeB) => {
      checkMatrix('A', a);
      checkMatrix('B', b);
      const inner = transposeB ? b.cols : b.rows;
      if (a.cols !== inner) throw new Error(`matmul: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}${transposeB ? '^T' : ''}`);
      const data = await run(transposeB ? abT : ab, a, b, transposeB);
      return matrix(a.rows, transposeB ? b.rows : b.cols, data);
    },
    dispose: async () => {
      await Promise.all([abT.release(), ab.release()]);
    },
  };
}
