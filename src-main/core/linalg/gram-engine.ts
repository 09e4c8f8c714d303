// The contractions the structured eNTK spends its time in, on row-major float32 blocks: G = A B^T and C = A B.
// Core ships a tfjs implementation (tfjs-matmul-engine.ts); node/ passes a faster one in (onnxruntime-node) when
// the benchmark says it wins. Core never imports the node one.
import type { DenseProducts } from './dense-products';

export interface MatrixF32 {
  readonly rows: number;
  readonly cols: number;
  /** rows x cols, row-major. */
  readonly data: Float32Array;
}

export interface GramEngine {
  readonly name: string;
  /**
   * A B^T: [a.rows, b.rows], float32 products summed in float32 inside the engine. The result may stay float32 (no
   * widening copy of a large Gram); callers accumulate the layer terms of a kernel in float64.
   */
  crossGram(a: MatrixF32, b: MatrixF32): Promise<Float32Array | Float64Array>;
}

/** A fixed matrix M held where an engine computes, for many products with it (a Krylov method's matvecs). */
export interface HeldMatrix {
  /** V M^T: [v.rows, M.rows], float32. */
  times(v: MatrixF32): Promise<Float32Array>;
  release(): void;
}

export interface MatmulEngine extends GramEngine {
  /** A B ([a.rows, a.cols] x [a.cols, b.cols]) or, with transposeB, A B^T; float32. */
  matmul(a: MatrixF32, b: MatrixF32, transposeB: boolean): Promise<MatrixF32>;
  /**
   * Keeps M for repeated products without handing it over each time (an engine that would copy M into its own memory
   * per call copies it once here). Optional: Lanczos without it runs its products in float64 JavaScript.
   */
  hold?(m: MatrixF32): HeldMatrix;
  /**
   * The engine's float64 products, where it has them (onnxruntime's double Gemm): Lanczos reorthogonalises its basis
   * on them. Optional: without them that runs in TypeScript.
   */
  readonly float64?: DenseProducts;
}

export function matrix(rows: number, cols: number, data: Float32Array): MatrixF32 {
  if (data.length !== rows * cols) throw new Error(`matrix ${rows}x${cols} given ${data.length} values`);
  return { rows, cols, data };
}
