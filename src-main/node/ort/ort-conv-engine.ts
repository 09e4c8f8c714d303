// ConvEngine on onnxruntime-node: a conv layer's cotangents go back through one op over the whole block of rows.
// With strides 1 that is Conv on the transposed, flipped kernel (onnxruntime's MLAS conv); with larger strides
// ConvTranspose on the kernel as it is (~20-30 GFLOP/s, still far above GEMM + JS col2im). The kernel is baked into
// its session as an initializer (baked-sessions.ts): prepacked once, and Conv then runs MLAS's blocked-channel
// convolution, 1.3-1.9x the speed of the same op reading the kernel as an input (docs/performance.md).
import { checkRowScale, type ConvEngine, type ConvGeometry, type RowScale } from '../../core/linalg/conv-engine';
import type { OrtGramEngine } from './ort-gram-engine';
import type { ConvWindow } from '../../core/ntk/im2col';
import { ModelBuilder, attr, type Attrs } from '../onnx/model-builder';
import { createBakedSessions } from './baked-sessions';
import { checkThreads, createSession, f32Tensor, ort, SPIN_BETWEEN_JS_PASSES } from './ort-session';

export interface OrtConvEngine extends ConvEngine {
  dispose(): Promise<void>;
}

/** The op that maps gy [m, cout, oh, ow] onto gx [m, cin, h, w], its attributes, and whether it reads the kernel flipped. */
export interface TransposedConv {
  readonly op: 'Conv' | 'ConvTranspose';
  readonly attrs: { kernel_shape: number[]; strides: number[]; dilations: number[]; pads: number[]; group: number; output_padding?: number[] };
}

/**
 * The ONNX op for the transposed convolution of a conv window on input [h, w]. The conv reads input rows up to
 * s (oh - 1) + d (k - 1) - begin; the rest (`end` below, negative when trailing rows are never read) is padding.
 * Strides 1: Conv with pads d (k - 1) - begin and d (k - 1) - end, when both are >= 0. Otherwise ConvTranspose with
 * the conv's own pads and, where trailing rows are never read, output_padding for them.
 */
export function transposedConv(window: ConvWindow, spatial: readonly [number, number], groups: number): TransposedConv {
  const extent = [0, 1].map((i) => window.dilations[i] * (window.kernel[i] - 1));
  const end = [0, 1].map((i) => window.strides[i] * (window.output[i] - 1) + extent[i] - window.begin[i] - (spatial[i] - 1));
  const common = { kernel_shape: [...window.kernel], dilations: [...window.dilations], group: groups };
  const flippedPads = [0, 1].map((i) => extent[i] - window.begin[i]).concat([0, 1].map((i) => extent[i] - end[i]));
  if (window.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0)) return { op: 'Conv', attrs: { ...common, strides: [1, 1], pads: flippedPads } };
  return {
    op: 'ConvTranspose',
    attrs: { ...common, strides: [...window.strides], pads: [...window.begin, ...end.map((e) => Math.max(0, e))], output_padding: end.map((e) => Math.max(0, -e)) },
  };
}

/** W [cout, cinG, kh, kw] (groups of coutG output channels) as Conv's kernel of the transpose: [cin, coutG, kh, kw] flipped. */
export function flippedKernel(weight: Float32Array, cout: number, cinG: number, groups: number, kh: number, kw: number): Float32Array {
  const coutG = cout / groups;
  const area = kh * kw;
  const out = new Float32Array(weight.length);
  for (let gi = 0; gi < groups; gi++)
    for (let o = 0; o < coutG; o++)
      for (let c = 0; c < cinG; c++) {
        const src = ((gi * coutG + o) * cinG + c) * area;
        const dst = ((gi * cinG + c) * coutG + o) * area;
        for (let a = 0; a < area; a++) out[dst + area - 1 - a] = weight[src + a];
      }
  return out;
}

/** A conv kernel as its transposed op reads it: [a, b, kh, kw] float32. */
interface Kernel {
  readonly dims: readonly [number, number, number, number];
  readonly values: Float32Array;
}

/**
 * The transposed conv of G by the constant kernel W into X; `scaled`: then X times S's rows picked by I (Gather, Mul),
 * so an activation's slopes multiply the rows in onnxruntime's threads instead of a pass in JS.
 */
function model(t: TransposedConv, kernel: Kernel, scaled: boolean): Uint8Array {
  const m = new ModelBuilder({ graphName: `${t.op}-back${scaled ? '-scaled' : ''}` });
  m.input('G', 'float32', ['m', 'cout', 'oh', 'ow']);
  m.initializer('W', 'float32', kernel.dims, kernel.values);
  const attrs: Attrs = Object.fromEntries(Object.entries(t.attrs).map(([key, value]) => [key, typeof value === 'number' ? attr.int(value) : attr.ints(value)]));
  if (scaled) {
    m.input('S', 'float32', ['s', 'cin', 'h', 'w']);
    m.input('I', 'int64', ['m']);
    m.op(t.op, ['G', 'W'], attrs, 'T');
    m.op('Gather', ['S', 'I'], { axis: attr.int(0) }, 'R');
    m.op('Mul', ['T', 'R'], {}, 'X');
  } else m.op(t.op, ['G', 'W'], attrs, 'X');
  m.output('X', 'float32', ['m', 'cin', 'h', 'w']);
  return m.encode();
}

/** Kernels kept baked per engine: a few networks' conv layers (one session each, 1.5-4 ms to build). */
const BAKED_KERNELS = 96;

/**
 * Sessions are built on first use of each (window, kernel) and kept, the least recently used beyond BAKED_KERNELS
 * released. They run without an arena (createSession): dozens of per-layer arenas would add up.
 */
export function createOrtConvEngine(options: { readonly threads?: number; readonly spinning?: boolean } = {}): OrtConvEngine {
  const threads = checkThreads(options.threads);
  const spinning = options.spinning ?? SPIN_BETWEEN_JS_PASSES;
  const sessions = createBakedSessions(BAKED_KERNELS);
  let disposed = false;
  return {
    async convBackward(gy: Float32Array, m: number, weight: Float32Array, geometry: ConvGeometry, scale?: RowScale): Promise<Float32Array> {
      if (disposed) throw new Error('the onnxruntime conv engine was disposed: create a new one');
      const [cin, h, w] = geometry.input;
      const { groups, window } = geometry;
      const [kh, kw] = window.kernel;
      const cinG = cin / groups;
      const cout = weight.length / (cinG * kh * kw);
      const [oh, ow] = window.output;
      if (gy.length !== m * cout * oh * ow) throw new Error(`convBackward: ${gy.length} cotangent values for ${m} x ${cout} x ${oh} x ${ow}`);
      if (m === 0) return new Float32Array(0);
      const t = transposedConv(window, [h, w], groups);
      const feeds: Record<string, ort.Tensor> = { G: f32Tensor(gy, [m, cout, oh, ow]) };
      if (scale) {
        const samples = checkRowScale(scale, m, cin * h * w);
        feeds.S = f32Tensor(scale.table, [samples, cin, h, w]);
        feeds.I = new ort.Tensor('int64', BigInt64Array.from(scale.rows, (r) => BigInt(r)), [m]);
      }
      const kernel = (): Kernel =>
        t.op === 'Conv' ? { dims: [cin, cout / groups, kh, kw], values: flippedKernel(weight, cout, cinG, groups, kh, kw) } : { dims: [cout, cinG, kh, kw], values: weight };
      const key = JSON.stringify({ t, scaled: scale !== undefined, dims: [cout, cinG, kh, kw] });
      const result = await sessions.use(key, weight, () => createSession(model(t, kernel(), scale !== undefined), threads, spinning, false), (s) => s.run(feeds));
      const gx = result.X;
      if (gx.dims.join() !== [m, cin, h, w].join()) throw new Error(`convBackward: onnxruntime gave [${gx.dims.join(', ')}] for [${[m, cin, h, w].join(', ')}]`);
      return gx.data as Float32Array;
    },
    dispose: () => {
      disposed = true;
      return sessions.dispose();
    },
  };
}

/** The onnxruntime Gram engine with this conv backward on the same threads and spinning: what node/ hands core. */
export function withOrtConvBackward(gram: OrtGramEngine): OrtGramEngine & ConvEngine {
  const conv = createOrtConvEngine({ threads: gram.threads, spinning: gram.spinning });
  return {
    ...gram,
    convBackward: conv.convBackward,
    dispose: async () => {
      await Promise.all([gram.dispose(), conv.dispose()]);
    },
  };
}
