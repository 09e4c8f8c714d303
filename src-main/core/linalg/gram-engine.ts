// The contraction the structured eNTK spends its time in: G = A B^T for row-major float32 blocks.
// Core ships a tfjs implementation; node/ passes a faster one in (onnxruntime-node) when the benchmark says it wins.

export interface MatrixF32 {
  readonly rows: number;
  readonly cols: number;
  /** rows x cols, row-major. */
  readonly data: Float32Array;
}

export interface GramEngine {
  readonly name: string;
  /** A B^T: [a.rows, b.rows], float32 products summed in float32 inside the engine, returned widened to float64. */
  crossGram(a: MatrixF32, b: MatrixF32): Promise<Float64Array>;
}
