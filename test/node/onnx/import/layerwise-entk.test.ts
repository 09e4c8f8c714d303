// Agreement of the structured (layer-wise) eNTK of imported conv nets with the generic autodiff eNTK (one tfjs
// backward pass per Jacobian row, an independent algorithm), full and class-trace, self and cross kernels, on every
// conv fixture: small-cnn (BatchNorm, LogSoftmax), op-zoo (grouped dilated conv, asymmetric pads, average pooling),
// fixed-batch-cnn, conv-geometry (strides, pads, groups, dilation, residual Add, BatchNorm, padded MaxPool),
// conv-resnet (dilation 2 both ways, depthwise SAME_UPPER, the paper's residual block), conv-pools (AveragePool with
// padded counts, ceil_mode MaxPool, Gemm alpha/beta), conv-strides (every form of onnxruntime's transposed conv),
// prelu-cnn (a [C, 1, 1] PRelu slope), norm-prelu-net (LayerNorm over [H, W] and over the features, shared [1] and
// dense [C] PRelu slopes), norm-act-zoo (InstanceNormalization, GroupNormalization and RMSNormalization scales,
// HardSwish, Mish, Sin/Cos, Swish, Celu, Softsign, ReduceL2), llama-block (RMSNorm, RoPE, grouped-query Attention,
// SwiGLU), smooth-act-conv (Tanh riding a conv, Swish riding a max pool, AveragePool with ceil mode and uncounted
// pads, GlobalAveragePool) and smooth-act-mlp (sixteen more elementwise activations and a Clip), each activation
// through its derivative in the backward steps, residual-mlp (LayerNorm after GELU and Tanh), token-mlp and token-mixer (MatMul weights applied
// per token of a [n, T, d] input, the mixer's over tokens after a Transpose) and the PyTorch exports (the opset-17
// LayerNormalization included), wide-head-cnn (40 outputs on few positions: conv terms from cotangents and patches,
// conv-patch-term.ts, beside one from Jacobian rows) and wide-head-token-mlp (per-token layers on that route). Where the graph has backward steps, the tfjs-cotangent route is checked against them too, and the
// onnxruntime engine (its conv backward) as well. conv-entk-f64.test.ts holds both to a float64 reference.
// Tolerance 1e-5 of max |K|: every path multiplies in float32 and sums layer terms in float64; float32 dot products
// over the few thousand terms of a layer's Jacobian row lose ~1e-7..1e-6 relative (measured 1e-7..5e-7 here).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsMatmulEngine } from '../../../../src-main/core/linalg/tfjs-matmul-engine';
import { classTrace } from '../../../../src-main/core/ntk/kernel-types';
import { layerwiseNtk } from '../../../../src-main/core/ntk/layerwise-ntk';
import { initBackend } from '../../../../src-main/node/backend';
import { matmulEngine } from '../../../../src-main/node/engines';
import type { ImportedModel } from '../../../../src-main/node/onnx/import/imported-model';
import { importedNtk } from '../../../../src-main/node/onnx/import/imported-ntk';
import { matchLayerwise } from '../../../../src-main/node/onnx/import/layerwise-graph';
import { openModel } from '../../../../src-main/node/onnx/import/model-source';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { computedStatsBn, convGeometry, convPools, convResnet, convStrides, fixedBatchCnn, llamaBlock, normActZoo, normPreluNet, opZoo, preluCnn, residualMlp, smallCnn, smoothActConv, smoothActMlp, tokenHeads, tokenMixer, tokenMlp, wideHeadCnn, wideHeadTokenMlp, type Fixture } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, externalManifest } from '../../../fixtures/onnx/manifest';
import { openFixture, probeInputs } from './helpers';
import { relErr } from '../../../helpers/rel-err';

const TOL = 1e-5;

const made: Record<string, { fixture: () => Fixture; backward: boolean }> = {
  'small-cnn': { fixture: smallCnn, backward: true },
  'op-zoo': { fixture: opZoo, backward: false },
  'fixed-batch-cnn': { fixture: fixedBatchCnn, backward: true },
  'conv-geometry': { fixture: convGeometry, backward: true },
  'conv-resnet': { fixture: convResnet, backward: true },
  'conv-pools': { fixture: convPools, backward: true },
  'conv-strides': { fixture: convStrides, backward: true },
  'prelu-cnn': { fixture: preluCnn, backward: true },
  'norm-prelu-net': { fixture: normPreluNet, backward: true },
  'residual-mlp': { fixture: residualMlp, backward: false },
  'token-mlp': { fixture: tokenMlp, backward: true },
  'token-mixer': { fixture: tokenMixer, backward: true },
  'token-heads': { fixture: () => tokenHeads(), backward: true },
  'wide-head-cnn': { fixture: wideHeadCnn, backward: true },
  'wide-head-token-mlp': { fixture: wideHeadTokenMlp, backward: true },
  'norm-act-zoo': { fixture: normActZoo, backward: false },
  'llama-block': { fixture: llamaBlock, backward: false },
  'smooth-act-conv': { fixture: smoothActConv, backward: true },
  'smooth-act-mlp': { fixture: smoothActMlp, backward: true },
};
const external = [...externalManifest().models.filter((m) => /cnn|resmlp/.test(m.file)).map((m) => m.file), 'torch2/torch2-cnn.onnx', 'torch2/torch2-resmlp.onnx'];

beforeAll(async () => {
  await initBackend('wasm');
});

const size = (model: ImportedModel) => model.inputShape.reduce((s, v) => s * v, 1);

/** Structured (auto) against generic on 3 samples (full, trace) and on a 3 x 2 cross kernel. */
async function agree(model: ImportedModel): Promise<number> {
  const x = probeInputs(3, size(model));
  const generic = await importedNtk(model, x, 3, { kernel: 'full', implementation: 'generic' });
  const full = await importedNtk(model, x, 3, { kernel: 'full' });
  expect(full.implementation).toBe('structured');
  const trace = await importedNtk(model, x, 3, { kernel: 'trace' });
  const err = Math.max(relErr(full.ntk as Float64Array, generic.ntk as Float64Array), relErr(trace.trace, classTrace(generic.ntk as Float64Array, 3, 3, model.outputs)));
  expect(err).toBeLessThan(TOL);
  return err;
}

async function crossAgree(model: ImportedModel): Promise<void> {
  const match = matchLayerwise(model);
  if (!match.ok) throw new Error(match.obstacle);
  const engine = createTfjsMatmulEngine();
  const x1 = probeInputs(3, size(model), 5);
  const x2 = probeInputs(2, size(model), 9);
  const both = Float64Array.from([...x1, ...x2]);
  const generic = await importedNtk(model, both, 5, { kernel: 'full', implementation: 'generic' });
  const k = model.outputs;
  const cols = 5 * k;
  const block = Float64Array.from({ length: 3 * k * 2 * k }, (_, q) => (generic.ntk as Float64Array)[Math.floor(q / (2 * k)) * cols + 3 * k + (q % (2 * k))]);
  const routes = match.graph.backward ? [match.graph, { ...match.graph, backward: undefined }] : [match.graph];
  for (const graph of routes) {
    const cross = await layerwiseNtk(engine, model, graph, model.initialParams, x1, 3, 'full', x2, 2, { blockBytes: 1 << 16 });
    expect(relErr(cross, block)).toBeLessThan(TOL);
  }
}

describe('layer-wise structured eNTK of conv graphs equals the generic autodiff eNTK', () => {
  for (const [name, { fixture, backward }] of Object.entries(made)) {
    it(`${name}: full and trace, self and cross, ${backward ? 'backward steps and tfjs cotangents' : 'tfjs cotangents'}`, async () => {
      const model = await openFixture(fixture());
      try {
        const match = matchLayerwise(model);
        expect(match.ok && Boolean(match.graph.backward)).toBe(backward);
        await agree(model);
        await crossAgree(model);
      } finally {
        model.dispose();
      }
    });
  }

  for (const file of external) {
    it(`${file} (PyTorch export)`, async () => {
      const model = await openModel({ path: join(EXTERNAL_DIR, file) });
      try {
        await agree(model);
        await crossAgree(model);
      } finally {
        model.dispose();
      }
    });
  }

  it('a parameter outside a linear slot (BatchNorm scale with computed statistics) gets the generic kernel; asking for structured is a coded error', async () => {
    const model = await openFixture(computedStatsBn());
    try {
      const match = matchLayerwise(model);
      expect(match.ok ? '' : match.obstacle).toMatch(/BatchNormalization .* bn\.weight in input 1 \(statistics that are not initializers\)/);
      const x = probeInputs(2, size(model));
      expect((await importedNtk(model, x, 2, { kernel: 'trace' })).implementation).toBe('generic');
      await expect(importedNtk(model, x, 2, { kernel: 'trace', implementation: 'structured' })).rejects.toMatchObject({ code: 'onnx/unsupported-model' });
    } finally {
      model.dispose();
    }
  });

  it('a learned scalar scale: the backward steps read it at the kernel\'s parameters, not the file\'s', async () => {
    const m = new ModelBuilder({ opset: 17 });
    m.input('x', 'float32', ['n', 4]);
    const h = m.op('Tanh', [m.op('Gemm', ['x', m.initializer('w1', 'float32', [5, 4], Float32Array.from({ length: 20 }, (_, i) => Math.sin(i + 1) * 0.5))], { transB: attr.int(1) })]);
    const scaled = m.op('Mul', [h, m.initializer('alpha', 'float32', [1], [0.7])]);
    m.output(m.op('Gemm', [scaled, m.initializer('w2', 'float32', [2, 5], Float32Array.from({ length: 10 }, (_, i) => Math.cos(i) * 0.4))], { transB: attr.int(1) }), 'float32');
    const model = await openFixture({ file: 'scalar-scale.onnx', bytes: m.encode() });
    try {
      const match = matchLayerwise(model);
      expect(match.ok && Boolean(match.graph.backward)).toBe(true);
      const params = model.initialParams.map((p) => (p.name === 'alpha' ? { ...p, values: Float32Array.of(2.5) } : p));
      const x = probeInputs(3, 4);
      const generic = await importedNtk(model, x, 3, { kernel: 'full', implementation: 'generic', params });
      const structured = await importedNtk(model, x, 3, { kernel: 'full', params });
      expect(structured.implementation).toBe('structured');
      expect(relErr(structured.ntk as Float64Array, generic.ntk as Float64Array)).toBeLessThan(TOL);
    } finally {
      model.dispose();
    }
  });

  it('a per-head MatMul weight [H, d, m] on an input without its heads axis (one token set broadcast to every head) is refused by the matcher and gets the generic kernel', async () => {
    const model = await openFixture(tokenHeads('shared'));
    try {
      const match = matchLayerwise(model);
      expect(match.ok ? '' : match.obstacle).toMatch(/MatMul .* heads\.weight in input 1 \(a per-head weight \[2, 3, m\] on an input of per-sample shape \[1, 8, 3\], not \[2, T, 3\]\)/);
      const x = probeInputs(3, size(model));
      const trace = await importedNtk(model, x, 3, { kernel: 'trace' });
      expect(trace.implementation).toBe('generic');
      expect(trace.trace.every(Number.isFinite)).toBe(true);
      await expect(importedNtk(model, x, 3, { kernel: 'trace', implementation: 'structured' })).rejects.toMatchObject({ code: 'onnx/unsupported-model' });
    } finally {
      model.dispose();
    }
  });

  it('a MatMul whose parameter is the left operand (token mixing W x) is refused by the matcher and gets the generic kernel', async () => {
    const model = await openFixture(tokenMixer(true));
    try {
      const match = matchLayerwise(model);
      expect(match.ok ? '' : match.obstacle).toMatch(/MatMul .* mix\.token\.weight in input 0 \(the parameter is the left operand\)/);
      // The left weight is a parameter with a gradient (tfjs's broadcast BatchMatMul gradient would drop it).
      expect(model.params.map((p) => p.name)).toContain('mix.token.weight');
      const x = probeInputs(3, size(model));
      const trace = await importedNtk(model, x, 3, { kernel: 'trace' });
      expect(trace.implementation).toBe('generic');
      // Same function as token-mixer (the token weight transposed): the same kernel.
      const right = await openFixture(tokenMixer());
      try {
        expect(relErr(trace.trace, (await importedNtk(right, x, 3, { kernel: 'trace' })).trace)).toBeLessThan(TOL);
      } finally {
        right.dispose();
      }
    } finally {
      model.dispose();
    }
  });

  it('a conv bias rides on its conv: its rows are one more column per channel of the conv\'s Jacobian rows', async () => {
    const model = await openFixture(convGeometry());
    try {
      const match = matchLayerwise(model);
      if (!match.ok) throw new Error(match.obstacle);
      const { layers } = match.graph;
      const shape = (name: string) => (model.params.find((p) => p.name === name) as { shape: readonly number[] }).shape;
      const biased = layers.flatMap((l) => (l.kind === 'conv' && layers.some((b) => b.kind === 'broadcast' && b.perChannel && b.tap === l.tap) ? [shape(l.weight)] : []));
      expect(biased.length).toBeGreaterThan(1);
      const base = createTfjsMatmulEngine();
      const gramCols: number[] = [];
      const engine = { ...base, crossGram: (a: Parameters<typeof base.crossGram>[0], b: Parameters<typeof base.crossGram>[1]) => (gramCols.push(a.cols), base.crossGram(a, b)) };
      const x = probeInputs(3, size(model));
      const kernel = await layerwiseNtk(engine, model, match.graph, model.initialParams, x, 3, 'full');
      for (const w of biased) expect(gramCols).toContain(w[0] * (w[1] * w[2] * w[3] + 1));
      const generic = await importedNtk(model, x, 3, { kernel: 'full', implementation: 'generic' });
      expect(relErr(kernel, generic.ntk as Float64Array)).toBeLessThan(TOL);
    } finally {
      model.dispose();
    }
  });

  for (const fixture of [convGeometry, convStrides, wideHeadCnn, wideHeadTokenMlp])
    it(`the onnxruntime engine (GEMMs and conv backward ops) gives the generic kernel (${fixture().file})`, async () => {
      const model = await openFixture(fixture());
      try {
        const x = probeInputs(3, size(model));
        const generic = await importedNtk(model, x, 3, { kernel: 'full', implementation: 'generic' });
        const ort = await importedNtk(model, x, 3, { kernel: 'full', engine: await matmulEngine('onnxruntime') });
        expect(ort.implementation).toBe('structured');
        expect(relErr(ort.ntk as Float64Array, generic.ntk as Float64Array)).toBeLessThan(TOL);
      } finally {
        model.dispose();
      }
    });
});

