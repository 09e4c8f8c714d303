// The eNTK of every conv and residual fixture against an independent float64 reference: the file's own graph run by a
// float64 interpreter (test/helpers/onnx-f64.ts, checked against onnxruntime here), the Jacobian by central finite
// differences and K = J J^T in float64 (test/helpers/fd-entk.ts). Both float32 paths are held to it: the structured
// (layer-wise) kernel, by backward steps and by tfjs cotangents where the graph has steps, and the generic autodiff
// kernel; full and class-trace, and a cross kernel on conv-resnet, conv-pools, norm-prelu-net, token-mlp and token-mixer.
// Geometry covered:
// strides, symmetric/asymmetric/SAME pads, dilations, groups (depthwise included), MaxPool with stride != kernel,
// padding and ceil_mode, AveragePool with and without padded counts, GlobalAveragePool, residual Adds, inference
// BatchNorm, LayerNormalization (over [H, W] and over features), PRelu ([C, 1, 1], [1] and [C] slopes), Flatten/Reshape,
// Gemm and MatMul heads, MatMul weights applied per token of a [n, T, d] input (token-mlp; token-mixer over the token
// axis after a Transpose, and with the weight as the left operand) and a rank-3 per-head MatMul weight on [n, H, T, d]
// (token-heads) or broadcast from one token set to every head (token-heads-shared); the left operand and the shared
// heads only the generic kernel takes. The reference itself is checked against the exact float64 backprop kernel
// on MLP graphs (reference-f64.ts) and against torch.func's float64 eNTK of the PyTorch 2 CNN and residual MLP.
// Measured here on 3 samples: the float32 kernels differ from the float64 one by 3e-8..5e-7 of max |K| (generic
// 4e-8..4.7e-7, structured 3e-8..3.7e-7), so TOL = 2e-6 keeps a 4x margin; the interpreter's f(x) is within 4e-7 of
// onnxruntime's (float32); the finite differences agree with those at 4x the step to 5e-11..7e-10 of max |J| (bound
// 1e-8, far below TOL); no ReLU, max or clip input is within 2e-5 of its kink relative to its tensor's scale (bound
// 1e-6), so float32 rounding cannot flip one and the finite-difference steps cross none.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { classTrace } from '../../../../src-main/core/ntk/kernel-types';
import { layerwiseNtk } from '../../../../src-main/core/ntk/layerwise-ntk';
import { initBackend } from '../../../../src-main/node/backend';
import { matmulEngine } from '../../../../src-main/node/engines';
import type { ImportedModel } from '../../../../src-main/node/onnx/import/imported-model';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { matchLayerwise } from '../../../../src-main/node/onnx/import/layerwise-graph';
import { openModel } from '../../../../src-main/node/onnx/import/model-source';
import { convGeometry, convPools, convResnet, convStrides, fixedBatchCnn, normPreluNet, opZoo, preluCnn, residualMlp, smallCnn, tinyMlp, tokenHeads, tokenMixer, tokenMlp, type Fixture } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, externalManifest, type ExternalEntry } from '../../../fixtures/onnx/manifest';
import { fdEntkF64 } from '../../../helpers/fd-entk';
import { f64Graph } from '../../../helpers/onnx-f64';
import { relErr } from '../../../helpers/rel-err';
import { openFixture, probeInputs } from './helpers';

const TOL = 2e-6;
const FD_TOL = 1e-8;
const KINK_MARGIN = 1e-6;
const N = 3;

interface Case {
  readonly open: () => Promise<{ model: ImportedModel; bytes: Uint8Array }>;
  /** The graph is layer-wise (structured kernel), and with backward steps for every op. */
  readonly structured: 'steps' | 'tfjs' | false;
}

const made = (fixture: () => Fixture, structured: Case['structured']): Case => ({
  open: async () => {
    const f = fixture();
    return { model: await openFixture(f), bytes: f.bytes };
  },
  structured,
});
const file = (name: string, structured: Case['structured']): Case => ({
  open: async () => ({ model: await openModel({ path: join(EXTERNAL_DIR, name) }), bytes: readFileSync(join(EXTERNAL_DIR, name)) }),
  structured,
});

/** Graphs with an op that has no backward step (AveragePool, LayerNorm's arithmetic, GELU): tfjs cotangents. */
const tfjsRoute = new Set(['torch-resmlp.onnx', 'torch-resmlp-opset17.onnx', 'torch2/torch2-resmlp.onnx']);
const external = [...externalManifest().models.filter((m) => /cnn|resmlp/.test(m.file)).map((m) => m.file), 'torch2/torch2-cnn.onnx', 'torch2/torch2-resmlp.onnx'];

const cases: Record<string, Case> = {
  'small-cnn': made(smallCnn, 'steps'),
  'op-zoo': made(opZoo, 'tfjs'),
  'fixed-batch-cnn': made(fixedBatchCnn, 'steps'),
  'conv-geometry': made(convGeometry, 'steps'),
  'conv-resnet': made(convResnet, 'steps'),
  'conv-pools': made(convPools, 'steps'),
  'conv-strides': made(convStrides, 'steps'),
  'prelu-cnn': made(preluCnn, 'steps'),
  'norm-prelu-net': made(normPreluNet, 'steps'),
  'residual-mlp': made(residualMlp, 'tfjs'),
  'token-mlp': made(tokenMlp, 'steps'),
  'token-mixer': made(tokenMixer, 'steps'),
  'token-mixer-left': made(() => tokenMixer(true), false),
  'token-heads': made(() => tokenHeads(), 'steps'),
  'token-heads-shared': made(() => tokenHeads('shared'), false),
  ...Object.fromEntries(external.map((name) => [name, file(name, tfjsRoute.has(name) ? 'tfjs' : 'steps')])),
};

beforeAll(async () => {
  await initBackend('wasm');
});

const size = (model: ImportedModel) => model.inputShape.reduce((s, v) => s * v, 1);

/** onnxruntime's f(x) [n k], one sample per run (fixed-batch files take batch 1). */
async function ortOutputs(model: ImportedModel, x: Float64Array, n: number): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(model.referenceBytes, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
  try {
    const d = size(model);
    const out = new Float64Array(n * model.outputs);
    for (let i = 0; i < n; i++) {
      const feed = new ort.Tensor('float32', Float32Array.from(x.subarray(i * d, (i + 1) * d)), [1, ...model.inputShape]);
      const result = await session.run({ [model.summary.inputName]: feed });
      out.set(result[model.summary.outputName].data as Float32Array, i * model.outputs);
    }
    return out;
  } finally {
    await session.release();
  }
}

describe('conv eNTK: structured and generic float32 paths equal a float64 finite-difference reference', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: ${c.structured ? `structured (${c.structured === 'steps' ? 'backward steps and tfjs cotangents' : 'tfjs cotangents'}) and generic` : 'generic'}, full and trace`, async () => {
      const { model, bytes } = await c.open();
      try {
        const x = probeInputs(N, size(model)).map(Math.fround);
        const reference = fdEntkF64(f64Graph(bytes, model.inputShape, model.summary.outputName), model.initialParams, x, N, model.outputs);
        expect(relErr(reference.outputs, await ortOutputs(model, x, N))).toBeLessThan(TOL);
        expect(reference.fdError).toBeLessThan(FD_TOL);
        expect(Math.min(reference.margins.relu, reference.margins.maxPool, reference.margins.clip)).toBeGreaterThan(KINK_MARGIN);

        const generic = await importedNtk(model, x, N, { kernel: 'full', implementation: 'generic' });
        const genericTrace = await importedNtk(model, x, N, { kernel: 'trace', implementation: 'generic' });
        expect(generic.implementation).toBe('generic');
        expect(relErr(generic.ntk as Float64Array, reference.ntk)).toBeLessThan(TOL);
        expect(relErr(genericTrace.trace, reference.trace)).toBeLessThan(TOL);

        const match = matchLayerwise(model);
        expect(match.ok && (match.graph.backward ? 'steps' : 'tfjs')).toBe(c.structured);
        if (!match.ok) return;
        // The default (auto) takes the structured path on a layer-wise graph, as the CLI's ntk command does.
        const full = await importedNtk(model, x, N, { kernel: 'full' });
        const trace = await importedNtk(model, x, N, { kernel: 'trace', implementation: 'structured' });
        expect([full.implementation, trace.implementation]).toEqual(['structured', 'structured']);
        expect(relErr(full.ntk as Float64Array, reference.ntk)).toBeLessThan(TOL);
        expect(relErr(trace.trace, reference.trace)).toBeLessThan(TOL);
        expect(relErr(classTrace(full.ntk as Float64Array, N, N, model.outputs), reference.trace)).toBeLessThan(TOL);
        if (match.graph.backward) {
          const engine = await matmulEngine();
          const byTfjs = await layerwiseNtk(engine, model, { ...match.graph, backward: undefined }, model.initialParams, x, N, 'full');
          expect(relErr(byTfjs, reference.ntk)).toBeLessThan(TOL);
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('the reference itself: on MLP graphs it equals the exact float64 backprop kernel (reference-f64) to 1e-9', async () => {
    // Measured 1.5e-11..2.5e-11 of max |K|: the finite differences, not float32, set the reference's accuracy.
    for (const c of [made(() => tinyMlp(13), false), file('torch-mlp.onnx', false)]) {
      const { model, bytes } = await c.open();
      try {
        const x = probeInputs(N, size(model)).map(Math.fround);
        const exact = await importedNtk(model, x, N, { kernel: 'full', dtype: 'float64' });
        expect(exact.implementation).toBe('reference-f64');
        const reference = fdEntkF64(f64Graph(bytes, model.inputShape, model.summary.outputName), model.initialParams, x, N, model.outputs);
        expect(relErr(reference.ntk, exact.ntk as Float64Array)).toBeLessThan(1e-9);
        expect(relErr(reference.trace, exact.trace)).toBeLessThan(1e-9);
      } finally {
        model.dispose();
      }
    }
  });

  it("the reference itself: on the PyTorch 2 CNN and residual MLP it equals torch.func's float64 eNTK", async () => {
    const dir = join(EXTERNAL_DIR, 'torch2');
    const entries = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: (ExternalEntry & { ntk: number[][] })[] }).models;
    for (const entry of entries.filter((e) => /cnn|resmlp/.test(e.file))) {
      // torch.func differentiated the whole graph, the final Softmax included.
      const model = await openModel({ path: join(dir, entry.file) }, { logits: false });
      try {
        const x = Float64Array.from((entry.probe as number[][]).flat(Infinity) as number[]);
        const n = entry.probe.length;
        const reference = fdEntkF64(f64Graph(readFileSync(join(dir, entry.file)), model.inputShape, model.summary.outputName), model.initialParams, x, n, model.outputs);
        // Measured 3e-11 (CNN, piecewise linear) and 4e-10 (residual MLP: the differencing's truncation error).
        expect(relErr(reference.ntk, entry.ntk.flat())).toBeLessThan(1e-8);
      } finally {
        model.dispose();
      }
    }
  });

  for (const name of ['conv-resnet', 'conv-pools', 'norm-prelu-net', 'token-mlp', 'token-mixer']) {
    it(`${name}: a 3 x 2 cross kernel in small blocks, each structured route`, async () => {
      const { model, bytes } = await cases[name].open();
      try {
        const match = matchLayerwise(model);
        if (!match.ok) throw new Error(match.obstacle);
        const x1 = probeInputs(3, size(model), 5).map(Math.fround);
        const x2 = probeInputs(2, size(model), 9).map(Math.fround);
        const k = model.outputs;
        const reference = fdEntkF64(f64Graph(bytes, model.inputShape, model.summary.outputName), model.initialParams, Float64Array.from([...x1, ...x2]), 5, k);
        expect(reference.fdError).toBeLessThan(FD_TOL);
        expect(Math.min(reference.margins.relu, reference.margins.maxPool, reference.margins.clip)).toBeGreaterThan(KINK_MARGIN);
        const block = Float64Array.from({ length: 3 * k * 2 * k }, (_, q) => reference.ntk[Math.floor(q / (2 * k)) * 5 * k + 3 * k + (q % (2 * k))]);
        const engine = await matmulEngine();
        for (const graph of match.graph.backward ? [match.graph, { ...match.graph, backward: undefined }] : [match.graph]) {
          const cross = await layerwiseNtk(engine, model, graph, model.initialParams, x1, 3, 'full', x2, 2, { blockBytes: 1 << 12 });
          expect(relErr(cross, block)).toBeLessThan(TOL);
        }
      } finally {
        model.dispose();
      }
    });
  }
});
