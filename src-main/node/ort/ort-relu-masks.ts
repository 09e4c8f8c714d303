// The structured eNTK's ReLU masks (core/linalg/relu-mask-engine.ts) on onnxruntime-node: the masked seed rows and
// the masked, scaled backward product, each one run of a small graph whose passes onnxruntime vectorises, with the
// bits of core's JavaScript fallback. Sessions are created once (dims symbolic) and reused for every shape.
import { checkMatrix, matrix } from '../../core/linalg/gram-engine';
import { checkMaskedBackward, checkMaskedSeed, type ReluMaskEngine } from '../../core/linalg/relu-mask-engine';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { createSession, f32Tensor, ort } from './ort-session';

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

/** Both masks on `threads` intra-op threads; dispose releases the sessions. */
export async function createOrtReluMasks(threads: number, spinning: boolean): Promise<ReluMaskEngine & { dispose(): Promise<void> }> {
  const [seeded, masked] = await Promise.all([createSession(maskedSeedModel(), threads, spinning), createSession(maskedBackwardModel(), threads, spinning)]);
  return {
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
      await Promise.all([seeded.release(), masked.release()]);
    },
  };
}
