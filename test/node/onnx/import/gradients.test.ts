// Gradients of translated graphs are right on the backend CI uses (wasm unless NTK_BACKEND says otherwise; tfjs-wasm
// has no Conv2DBackpropFilter, which the im2col Conv avoids): directional derivatives J v from tfjs autodiff match
// central differences of onnxruntime's forward pass (an independent implementation) with the parameters moved by
// +-h v, and the eNTK of the small CNN is symmetric, PSD and has ||grad f_c(x_i)||^2 on its diagonal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src-main/core/random';
import type { ParamSet } from '../../../../src-main/core/models/params';
import type { ImportedModel } from '../../../../src-main/node/onnx/import/imported-model';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { decodeModel, encodeModel } from '../../../../src-main/node/onnx/onnx-schema';
import { llamaBlock, normActZoo, opZoo, residualMlp, smallCnn, type Fixture } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR } from '../../../fixtures/onnx/manifest';
import { openFixture, probeInputs } from './helpers';

/** onnxruntime's f(x) for the model's reference graph with its parameter initializers replaced by `params`. */
async function ortForward(model: ImportedModel, params: ParamSet, x: Float64Array, n: number): Promise<Float32Array> {
  const proto = decodeModel(model.referenceBytes);
  const byName = new Map(params.map((p) => [p.name, p.values]));
  const initializer = (proto.graph?.initializer ?? []).map((t) => {
    const values = byName.get(t.name ?? '');
    return values ? { name: t.name, dims: t.dims, dataType: 1, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) } : t;
  });
  const session = await ort.InferenceSession.create(encodeModel({ ...proto, graph: { ...proto.graph, initializer } }), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [model.summary.inputName]: new ort.Tensor('float32', Float32Array.from(x), [n, ...model.inputShape]) });
    return out[model.summary.outputName].data as Float32Array;
  } finally {
    await session.release();
  }
}

/** (J v) [n k] by autodiff: for every sample and output, grad f_c(x_i) . v. */
function directional(model: ImportedModel, v: ParamSet, x: Float64Array, n: number): Float64Array {
  const k = model.outputs;
  const out = new Float64Array(n * k);
  const tensors = model.initialParams.map((p) => tf.tensor(p.values, [...p.shape]));
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      const grads = tf.tidy(() =>
        tf.grads((...ps: tf.Tensor[]) => {
          const named = Object.fromEntries(model.params.map((p, j) => [p.name, ps[j]]));
          const size = x.length / n;
          const xi = tf.tensor(Float32Array.from(x.subarray(i * size, (i + 1) * size)), [1, ...model.inputShape]);
          return tf.squeeze(tf.slice(model.apply(named, xi), [0, c], [1, 1])) as tf.Scalar;
        })(tensors),
      );
      let dot = 0;
      grads.forEach((g, j) => {
        const gv = g.dataSync();
        for (let q = 0; q < gv.length; q++) dot += gv[q] * v[j].values[q];
      });
      tf.dispose(grads);
      out[i * k + c] = dot;
    }
  tf.dispose(tensors);
  return out;
}

/** A PyTorch export from fixtures/onnx/external/blocks (export-torch-blocks.py). */
const exported = (file: string) => (): Fixture => ({ file, bytes: readFileSync(join(EXTERNAL_DIR, 'blocks', file)) });

const cases: Record<string, () => Fixture> = {
  'small CNN': smallCnn,
  'residual MLP': residualMlp,
  'op zoo': opZoo,
  'normalisation and activation zoo (opset 24)': normActZoo,
  'Llama-style block: RMSNorm, RoPE, grouped-query causal Attention, SwiGLU (opset 24)': llamaBlock,
  'PyTorch ViT (attention, LayerNorm, GELU)': exported('torch-vit.onnx'),
  'PyTorch bidirectional GRU': exported('torch-gru.onnx'),
  'PyTorch LSTM': exported('torch-lstm.onnx'),
  'PyTorch Fourier-feature MLP (Sin, Cos, HardSwish, Celu, ReduceL2)': exported('torch-fourier-mlp.onnx'),
  'PyTorch CNN with GroupNorm, InstanceNorm2d and Mish': exported('torch-groupnorm-cnn.onnx'),
};

describe('gradients of translated graphs', () => {
  it('run on the backend CI uses', () => {
    expect(tf.getBackend()).toBe(process.env.NTK_BACKEND ?? 'wasm');
  });

  for (const [name, make] of Object.entries(cases)) {
    it(`${name}: J v matches onnxruntime central differences`, async () => {
      const model = await openFixture(make());
      try {
        const rng = createRng(9, name);
        const raw = model.initialParams.map((p) => Float32Array.from(p.values, () => rng.normal()));
        const norm = Math.sqrt(raw.reduce((s, a) => s + a.reduce((t, v) => t + v * v, 0), 0));
        const v: ParamSet = model.initialParams.map((p, j) => ({ ...p, values: raw[j].map((u) => u / norm) }));
        // float32 forward passes: h = 3e-3 balances rounding (grows as 1/h) against ReLU/MaxPool kinks (grow with h).
        const h = 3e-3;
        const moved = (sign: number): ParamSet => model.initialParams.map((p, j) => ({ ...p, values: p.values.map((w, q) => w + sign * h * v[j].values[q]) }));
        const n = 3;
        const x = probeInputs(n, model.inputShape.reduce((a, b) => a * b, 1), 4);
        const jv = directional(model, v, x, n);
        const plus = await ortForward(model, moved(1), x, n);
        const minus = await ortForward(model, moved(-1), x, n);
        const scale = Math.max(...jv.map(Math.abs));
        for (let i = 0; i < jv.length; i++) expect(Math.abs(jv[i] - (plus[i] - minus[i]) / (2 * h))).toBeLessThan(2e-3 * scale + 1e-5);
      } finally {
        model.dispose();
      }
    });
  }

  it('small CNN: the full eNTK is symmetric, PSD, with squared gradient norms on the diagonal', async () => {
    const model = await openFixture(smallCnn());
    try {
      const n = 3;
      const k = model.outputs;
      const x = probeInputs(n, 64, 8);
      const t0 = performance.now();
      const ntk = await importedNtk(model, x, n, { kernel: 'full' });
      const ms = performance.now() - t0;
      const kernel = ntk.ntk as Float64Array;
      const rows = n * k;
      let asym = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < rows; c++) asym = Math.max(asym, Math.abs(kernel[r * rows + c] - kernel[c * rows + r]));
      expect(asym).toBeLessThan(1e-5 * ntk.lambdaMax);
      expect(ntk.lambdaMin).toBeGreaterThan(-1e-5 * ntk.lambdaMax);
      // K[(i, c), (i, c)] = |grad f_c(x_i)|^2, measured through J e for each parameter direction e would be slow:
      // use v = grad / |grad| itself, for which J v = |grad| on that row.
      for (const [i, c] of [
        [0, 0],
        [2, 1],
      ]) {
        const tensors = model.initialParams.map((p) => tf.tensor(p.values, [...p.shape]));
        const grads = tf.tidy(() =>
          tf.grads((...ps: tf.Tensor[]) => {
            const named = Object.fromEntries(model.params.map((p, j) => [p.name, ps[j]]));
            const xi = tf.tensor(Float32Array.from(x.subarray(i * 64, (i + 1) * 64)), [1, 1, 8, 8]);
            return tf.squeeze(tf.slice(model.apply(named, xi), [0, c], [1, 1])) as tf.Scalar;
          })(tensors),
        );
        const sq = grads.reduce((s, g) => s + (g.dataSync() as Float32Array).reduce((t, v) => t + v * v, 0), 0);
        tf.dispose([...grads, ...tensors]);
        const r = i * k + c;
        expect(Math.abs(kernel[r * rows + r] - sq)).toBeLessThan(1e-5 * sq);
      }
      console.log(`small CNN full eNTK, n = ${n}, k = ${k}, P = ${ntk.paramCount} on ${tf.getBackend()}: ${ms.toFixed(0)} ms`);
    } finally {
      model.dispose();
    }
  });
});
