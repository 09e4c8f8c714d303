// The onnxruntime conv backward (Conv on the flipped kernel, or ConvTranspose) against the adjoint of a convolution
// written from its definition in float64, for strides, asymmetric and wide pads, dilations, groups and trailing rows
// the window never reads; and core's GEMM + col2im fallback against the same reference. The structured eNTK's
// agreement with the generic autodiff kernel on fixtures with these windows is in layerwise-entk.test.ts.
// Tolerance 1e-5 of max |gx|: float32 sums of at most cout kh kw products.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convEngineOf, type ConvGeometry, type RowScale } from '../../../src-main/core/linalg/conv-engine';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import type { ConvWindow } from '../../../src-main/core/ntk/im2col';
import { createRng, normalArray } from '../../../src-main/core/random';
import { initBackend } from '../../../src-main/node/backend';
import { createOrtConvEngine, transposedConv } from '../../../src-main/node/ort/ort-conv-engine';
import { relErr } from '../../helpers/rel-err';

interface Case {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  readonly hw: [number, number];
  readonly kernel: [number, number];
  readonly strides?: [number, number];
  readonly dilations?: [number, number];
  /** [top, left, bottom, right] */
  readonly pads?: [number, number, number, number];
  readonly groups?: number;
  readonly op: 'Conv' | 'ConvTranspose';
}

const cases: Case[] = [
  { name: '3x3, pads 1 (the CNN20 layer)', cin: 3, cout: 4, hw: [7, 5], kernel: [3, 3], pads: [1, 1, 1, 1], op: 'Conv' },
  { name: 'asymmetric pads, 3x2 kernel', cin: 2, cout: 3, hw: [6, 7], kernel: [3, 2], pads: [2, 0, 1, 1], op: 'Conv' },
  { name: 'dilations [2, 3], groups 2', cin: 4, cout: 6, hw: [9, 10], kernel: [3, 2], dilations: [2, 3], pads: [1, 2, 2, 0], groups: 2, op: 'Conv' },
  { name: 'depthwise (groups = cin)', cin: 3, cout: 6, hw: [5, 5], kernel: [3, 3], pads: [1, 1, 1, 1], groups: 3, op: 'Conv' },
  { name: 'pads wider than the kernel', cin: 2, cout: 2, hw: [4, 5], kernel: [1, 1], pads: [1, 0, 2, 1], op: 'ConvTranspose' },
  { name: 'strides 2, every row read', cin: 2, cout: 3, hw: [9, 9], kernel: [3, 3], strides: [2, 2], op: 'ConvTranspose' },
  { name: 'strides [2, 3], trailing rows never read', cin: 3, cout: 2, hw: [10, 11], kernel: [3, 2], strides: [2, 3], pads: [0, 1, 0, 0], op: 'ConvTranspose' },
  { name: 'strides 2, dilations 2, groups 2, pads', cin: 4, cout: 4, hw: [12, 9], kernel: [2, 3], strides: [2, 2], dilations: [2, 2], pads: [1, 2, 0, 1], groups: 2, op: 'ConvTranspose' },
];

function geometry(c: Case): ConvGeometry {
  const strides = c.strides ?? [1, 1];
  const dilations = c.dilations ?? [1, 1];
  const pads = c.pads ?? [0, 0, 0, 0];
  const output = [0, 1].map((i) => Math.floor((c.hw[i] + pads[i] + pads[i + 2] - dilations[i] * (c.kernel[i] - 1) - 1) / strides[i]) + 1);
  const window: ConvWindow = { kernel: c.kernel, strides, dilations, begin: [pads[0], pads[1]], output: [output[0], output[1]] };
  return { input: [c.cin, c.hw[0], c.hw[1]], groups: c.groups ?? 1, window };
}

/** gx = J^T gy for y = conv(x, W), accumulated output by output from the definition, in float64. */
function adjoint(gy: Float32Array, m: number, weight: Float32Array, cout: number, g: ConvGeometry): Float64Array {
  const [cin, h, w] = g.input;
  const { kernel, strides, dilations, begin, output } = g.window;
  const cinG = cin / g.groups;
  const coutG = cout / g.groups;
  const gx = new Float64Array(m * cin * h * w);
  for (let r = 0; r < m; r++)
    for (let o = 0; o < cout; o++)
      for (let oy = 0; oy < output[0]; oy++)
        for (let ox = 0; ox < output[1]; ox++) {
          const v = gy[((r * cout + o) * output[0] + oy) * output[1] + ox];
          for (let c = 0; c < cinG; c++)
            for (let ki = 0; ki < kernel[0]; ki++)
              for (let kj = 0; kj < kernel[1]; kj++) {
                const iy = oy * strides[0] - begin[0] + ki * dilations[0];
                const ix = ox * strides[1] - begin[1] + kj * dilations[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const channel = Math.floor(o / coutG) * cinG + c;
                gx[((r * cin + channel) * h + iy) * w + ix] += weight[((o * cinG + c) * kernel[0] + ki) * kernel[1] + kj] * v;
              }
        }
  return gx;
}

const ort = createOrtConvEngine({ threads: 1 });
const fallback = convEngineOf(createTfjsMatmulEngine());
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => ort.dispose());

describe('conv backward: onnxruntime op and the GEMM + col2im fallback equal the adjoint of the convolution', () => {
  for (const c of cases)
    it(`${c.name}: ${c.op}`, async () => {
      const g = geometry(c);
      expect(transposedConv(g.window, [c.hw[0], c.hw[1]], g.groups).op).toBe(c.op);
      const m = 3;
      const rng = createRng(11, c.name);
      const weight = normalArray(rng, c.cout * (c.cin / g.groups) * c.kernel[0] * c.kernel[1]);
      const gy = normalArray(rng, m * c.cout * g.window.output[0] * g.window.output[1]);
      const want = adjoint(gy, m, weight, c.cout, g);
      expect(relErr(await ort.convBackward(gy, m, weight, g), want)).toBeLessThan(1e-5);
      expect(relErr(await fallback.convBackward(gy, m, weight, g), want)).toBeLessThan(1e-5);
    });
});

/** Rows r of gx times table row rows[r], written out here (the float32 products of a separate pass). */
function scaledRows(gx: Float32Array, m: number, scale: RowScale): Float32Array {
  const size = gx.length / m;
  return Float32Array.from(gx, (v, at) => v * scale.table[scale.rows[Math.floor(at / size)] * size + (at % size)]);
}

describe('conv backward with a row scale (an activation\'s slopes riding on the conv): equals the backward, then the rows scaled', () => {
  for (const c of [cases[0], cases[2], cases[6]])
    it(`${c.name}: bit for bit on both engines, rows of 3 samples in uneven runs`, async () => {
      const g = geometry(c);
      const m = 7;
      const rng = createRng(5, c.name);
      const weight = normalArray(rng, c.cout * (c.cin / g.groups) * c.kernel[0] * c.kernel[1]);
      const gy = normalArray(rng, m * c.cout * g.window.output[0] * g.window.output[1]);
      const plane = c.cin * c.hw[0] * c.hw[1];
      // LeakyRelu-like slopes (1 or 0.2) per sample; the block starts mid-sample, as a row block of the kernel may.
      const table = Float32Array.from({ length: 3 * plane }, () => (rng.uniform() > 0.5 ? 1 : 0.2));
      const scale: RowScale = { table, rows: Int32Array.from([0, 0, 1, 1, 1, 2, 2]) };
      for (const engine of [ort, fallback]) {
        const plain = await engine.convBackward(gy, m, weight, g);
        const got = await engine.convBackward(gy, m, weight, g, scale);
        expect(Array.from(got)).toEqual(Array.from(scaledRows(plain, m, scale)));
        expect(got.some((v, i) => v !== plain[i])).toBe(true);
      }
    });

  it('refuses a row index outside the table and a table of the wrong size, naming them', async () => {
    const g = geometry(cases[0]);
    const plane = 3 * 7 * 5;
    const gy = new Float32Array(2 * 4 * 7 * 5);
    const weight = new Float32Array(4 * 3 * 9);
    for (const engine of [ort, fallback]) {
      await expect(engine.convBackward(gy, 2, weight, g, { table: new Float32Array(plane), rows: Int32Array.from([0, 1]) })).rejects.toThrow(/outside the 1 rows of its table/);
      await expect(engine.convBackward(gy, 2, weight, g, { table: new Float32Array(plane + 1), rows: Int32Array.from([0, 0]) })).rejects.toThrow(/a table of 106 values for 2 rows of 105/);
    }
  });
});

it('dispose() may be called twice; a conv backward after it is a clear error, not a session built again', async () => {
  const engine = createOrtConvEngine({ threads: 1 });
  const g = geometry(cases[0]);
  const gy = new Float32Array(2 * 4 * 7 * 5).fill(1);
  const weight = new Float32Array(4 * 3 * 9).fill(0.5);
  expect((await engine.convBackward(gy, 2, weight, g)).length).toBe(2 * 3 * 7 * 5);
  await engine.dispose();
  await engine.dispose();
  await expect(engine.convBackward(gy, 2, weight, g)).rejects.toThrow(/conv engine was disposed/);
});
