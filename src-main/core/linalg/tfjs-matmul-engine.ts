// MatmulEngine on the active tfjs backend: the default when no faster engine is passed in.
// Transposes explicitly before matMul because tfjs-wasm's transpose flags are 10-25x slower.
import * as tf from '@tensorflow/tfjs-core';
import { type MatmulEngine, type MatrixF32, matrix } from './gram-engine';

function product(a: MatrixF32, b: MatrixF32, transposeB: boolean): tf.Tensor2D {
  const ta = tf.tensor2d(a.data, [a.rows, a.cols]);
  const tb = tf.tensor2d(b.data, [b.rows, b.cols]);
  return tf.matMul(ta, transposeB ? tf.transpose(tb) : tb);
}

export function createTfjsMatmulEngine(): MatmulEngine {
  return {
    get name() {
      return `tfjs-${tf.getBackend()}`;
    },
    async crossGram(a, b) {
      if (a.cols !== b.cols) throw new Error(`crossGram: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}`);
      const out = tf.tidy(() => product(a, b, true));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    async matmul(a, b, transposeB) {
      const inner = transposeB ? b.cols : b.rows;
      if (a.cols !== inner) throw new Error(`matmul: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}${transposeB ? '^T' : ''}`);
      const out = tf.tidy(() => product(a, b, transposeB));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return matrix(a.rows, transposeB ? b.rows : b.cols, data);
    },
    hold(m) {
      const heldT = tf.tidy(() => tf.transpose(tf.tensor2d(m.data, [m.rows, m.cols])));
      return {
        async times(v) {
          if (v.cols !== m.cols) throw new Error(`times: ${v.rows}x${v.cols} by ${m.rows}x${m.cols}^T`);
          const out = tf.tidy(() => tf.matMul(tf.tensor2d(v.data, [v.rows, v.cols]), heldT));
          const data = (await out.data()) as Float32Array;
          out.dispose();
          return data;
        },
        release: () => heldT.dispose(),
      };
    },
  };
}
