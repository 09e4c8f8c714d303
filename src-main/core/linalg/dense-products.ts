// The float64 products block Lanczos (block-lanczos.ts) spends its time in, on row-major blocks: A B^T and A B.
// Core ships a plain TypeScript implementation; node/ passes onnxruntime's double Gemm in (ort/ort-f64-gram.ts), which
// bench/ measures many times faster on kernel-sized blocks. Core never imports the node one.

export interface DenseProducts {
  readonly name: string;
  /** A B^T for a [aRows, cols] and b [bRows, cols]: [aRows, bRows] float64. Cost 2 aRows bRows cols flops. */
  abT(a: Float64Array, aRows: number, b: Float64Array, bRows: number, cols: number): Promise<Float64Array>;
  /** A B for a [aRows, inner] and b [inner, bCols]: [aRows, bCols] float64. */
  ab(a: Float64Array, aRows: number, inner: number, b: Float64Array, bCols: number): Promise<Float64Array>;
}

/** DenseProducts in TypeScript: scalar loops, for hosts without a native engine and for tests. */
export function jsDenseProducts(): DenseProducts {
  return {
    name: 'typescript',
    async abT(a, aRows, b, bRows, cols) {
      const out = new Float64Array(aRows * bRows);
      for (let i = 0; i < aRows; i++) {
        const ai = i * cols;
        for (let j = 0; j < bRows; j++) {
          const bj = j * cols;
          let s = 0;
          for (let c = 0; c < cols; c++) s += a[ai + c] * b[bj + c];
          out[i * bRows + j] = s;
        }
      }
      return out;
    },
    async ab(a, aRows, inner, b, bCols) {
      const out = new Float64Array(aRows * bCols);
      for (let i = 0; i < aRows; i++) {
        const row = i * bCols;
        for (let t = 0; t < inner; t++) {
          const v = a[i * inner + t];
          if (v === 0) continue;
          const bt = t * bCols;
          for (let j = 0; j < bCols; j++) out[row + j] += v * b[bt + j];
        }
      }
      return out;
    },
  };
}
