// Float64 input Grams <x1_i, x2_j> on onnxruntime (double Gemm, transB = 1) for the analytic NTK: the one O(n^2 d)
// step of that kernel, ~10x faster than scalar TypeScript for dense d = 784 inputs at n = 2000 (bench/). The same
// double Gemm, with a MatMul beside it, is block Lanczos's DenseProducts (core/linalg/dense-products.ts).
import type { DenseProducts } from '../../core/linalg/dense-products';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { checkThreads, createSession, ort, SPIN_BETWEEN_JS_PASSES } from './ort-session';

export interface OrtF64Gram {
  /** [n1, n2] float64; x2 defaults to x1. */
  gram(x1: Float64Array, n1: number, d: number, x2?: Float64Array, n2?: number): Promise<Float64Array>;
  dispose(): Promise<void>;
}

/** Gemm(A, B, transB = 1) or MatMul(A, B) in float64, dims symbolic. */
function productModel(transposeB: boolean): Uint8Array {
  const model = new ModelBuilder({ graphName: transposeB ? 'gram-f64' : 'matmul-f64' });
  const a = model.input('A', 'float64', ['p', 'm']);
  const b = model.input('B', 'float64', transposeB ? ['q', 'm'] : ['m', 'q']);
  if (transposeB) model.op('Gemm', [a, b], { transB: attr.int(1) }, 'G');
  else model.op('MatMul', [a, b], {}, 'G');
  model.output('G', 'float64', ['p', 'q']);
  return model.encode();
}

/** DenseProducts on onnxruntime's double Gemm and MatMul; sessions created once, reused for every shape. */
export async function createOrtDenseProducts(threads?: number): Promise<DenseProducts & { dispose(): Promise<void> }> {
  const [abT, ab] = await Promise.all([createSession(productModel(true), checkThreads(threads), SPIN_BETWEEN_JS_PASSES), createSession(productModel(false), checkThreads(threads), SPIN_BETWEEN_JS_PASSES)]);
  const run = async (session: ort.InferenceSession, a: Float64Array, aDims: number[], b: Float64Array, bDims: number[]): Promise<Float64Array> => {
    if (a.length === 0 || b.length === 0) return new Float64Array(aDims[0] * (session === abT ? bDims[0] : bDims[1]));
    const out = await session.run({ A: new ort.Tensor('float64', a, aDims), B: new ort.Tensor('float64', b, bDims) });
    return out.G.data as Float64Array;
  };
  return {
    name: 'onnxruntime-cpu-f64',
    abT: (a, aRows, b, bRows, cols) => run(abT, a, [aRows, cols], b, [bRows, cols]),
    ab: (a, aRows, inner, b, bCols) => run(ab, a, [aRows, inner], b, [inner, bCols]),
    dispose: async () => {
      await Promise.all([abT.release(), ab.release()]);
    },
  };
}

/**
 * createOrtDenseProducts on first use, for an engine that offers float64 products (MatmulEngine.float64) but may never
 * run one: its sessions are built by the first product (again after dispose()).
 */
export function lazyOrtDenseProducts(threads?: number): DenseProducts & { dispose(): Promise<void> } {
  let made: ReturnType<typeof createOrtDenseProducts> | undefined;
  const products = () => (made ??= createOrtDenseProducts(threads));
  return {
    name: 'onnxruntime-cpu-f64',
    abT: async (a, aRows, b, bRows, cols) => (await products()).abT(a, aRows, b, bRows, cols),
    ab: async (a, aRows, inner, b, bCols) => (await products()).ab(a, aRows, inner, b, bCols),
    dispose: async () => {
      const built = made;
      made = undefined;
      if (built) await (await built).dispose();
    },
  };
}

export async function createOrtF64Gram(threads?: number): Promise<OrtF64Gram> {
  const session = await createSession(productModel(true), checkThreads(threads), SPIN_BETWEEN_JS_PASSES);
  return {
    async gram(x1, n1, d, x2, n2) {
      const rhs = x2 ?? x1;
      const m = x2 ? (n2 ?? x2.length / d) : n1;
      const out = await session.run({ A: new ort.Tensor('float64', x1, [n1, d]), B: new ort.Tensor('float64', rhs, [m, d]) });
      return out.G.data as Float64Array;
    },
    dispose: () => session.release(),
  };
}
