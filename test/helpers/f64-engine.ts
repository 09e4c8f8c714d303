// A MatmulEngine whose products sum in float64, entry by entry in a fixed order: an entry's value does not depend on
// the block it is computed in, so blocked and whole kernels can be compared bit for bit.
import { matrix, type MatmulEngine } from '../../src-main/core/linalg/gram-engine';

export const f64Engine: MatmulEngine = {
  name: 'test-f64-accumulation',
  async crossGram(a, b) {
    const out = new Float64Array(a.rows * b.rows);
    for (let i = 0; i < a.rows; i++)
      for (let j = 0; j < b.rows; j++) {
        let s = 0;
        for (let c = 0; c < a.cols; c++) s += a.data[i * a.cols + c] * b.data[j * b.cols + c];
        out[i * b.rows + j] = s;
      }
    return out;
  },
  async matmul(a, b, transposeB) {
    const cols = transposeB ? b.rows : b.cols;
    const out = new Float32Array(a.rows * cols);
    for (let i = 0; i < a.rows; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let c = 0; c < a.cols; c++) s += a.data[i * a.cols + c] * (transposeB ? b.data[j * b.cols + c] : b.data[c * b.cols + j]);
        out[i * cols + j] = s;
      }
    return matrix(a.rows, cols, out);
  },
};

