// The transposed convolution that carries a block of cotangent rows back through a conv layer (dX of y = conv(x, W)),
// the structured conv eNTK's biggest cost. Core ships one on the MatmulEngine (a GEMM per group, col2im in JS); node/
// passes onnxruntime's in (one Conv or ConvTranspose op over the whole block, node/ort/ort-conv-engine.ts) as part of
// its MatmulEngine, the way it passes the engine itself. Core never imports the node one.
import type { ConvWindow } from '../ntk/im2col';
import { type MatmulEngine, matrix } from './gram-engine';

/** A conv layer as its backward pass sees it: per-sample input [cin, h, w], groups, and the window for that input. */
export interface ConvGeometry {
  readonly input: readonly [number, number, number];
  readonly groups: number;
  readonly window: ConvWindow;
}

/**
 * Elementwise factors for the rows of gx, one table row per sample: row r of gx is multiplied by table row rows[r]
 * (the slopes of a LeakyRelu or PRelu just before the conv, whose backward then rides on the conv's).
 */
export interface RowScale {
  /** [samples, cin h w]. */
  readonly table: Float32Array;
  /** For each of the m rows, its table row. */
  readonly rows: Int32Array;
}

export interface ConvEngine {
  /**
   * gx [m, cin, h, w] = (d y / d x)^T gy for y = conv(x, W), gy [m, cout, oh, ow] (m independent rows), W
   * [cout, cin / groups, kh, kw]; float32, a fresh array; with `scale`, each row then multiplied by its table row
   * (float32 products, as a separate pass would give). Cost 2 m cout oh ow (cin / groups) kh kw flops.
   */
  convBackward(gy: Float32Array, m: number, weight: Float32Array, geometry: ConvGeometry, scale?: RowScale): Promise<Float32Array>;
}

export function hasConvBackward(engine: MatmulEngine): engine is MatmulEngine & ConvEngine {
  return typeof (engine as Partial<ConvEngine>).convBackward === 'function';
}

/** The engine's own conv backward when it has one (onnxruntime), else GEMMs on it plus col2im in JS. */
export function convEngineOf(engine: MatmulEngine): ConvEngine {
  if (hasConvBackward(engine)) return engine;
  return {
    convBackward: async (gy, m, weight, geometry, scale) => {
      const gx = await gemmConvBackward(engine, gy, m, weight, geometry);
      if (scale) scaleRows(gx, m, scale);
      return gx;
    },
  };
}

/** Throws unless `scale` has an index for each of m rows, within a table of whole rows of `size`; returns the table's rows. */
export function checkRowScale(scale: RowScale, m: number, size: number): number {
  if (scale.rows.length !== m || scale.table.length % size !== 0) throw new Error(`row scale: ${scale.rows.length} row indices and a table of ${scale.table.length} values for ${m} rows of ${size}`);
  const samples = scale.table.length / size;
  if (scale.rows.some((r) => !(r >= 0 && r < samples))) throw new Error(`row scale: a row index outside the ${samples} rows of its table`);
  return samples;
}

/** gx [m, size] row r times scale.table row scale.rows[r], in place. */
export function scaleRows(gx: Float32Array, m: number, scale: RowScale): void {
  const size = gx.length / m;
  checkRowScale(scale, m, size);
  for (let r = 0; r < m; r++) multiplyRow(gx, r * size, scale.table, scale.rows[r] * size, size);
}

/** gx[at + e] *= table[from + e] for e < size (a loop of its own, compiled for Float32Array). */
function multiplyRow(gx: Float32Array, at: number, table: Float32Array, from: number, size: number): void {
  for (let e = 0; e < size; e++) gx[at + e] *= table[from + e];
}

/** Per group: dPatches [m P, pd] = G^T [m P, coutG] x W_g [coutG, pd] on the engine, then col2im. */
async function gemmConvBackward(engine: MatmulEngine, gy: Float32Array, m: number, weight: Float32Array, geometry: ConvGeometry): Promise<Float32Array> {
  const [cin, h, w] = geometry.input;
  const { groups, window: win } = geometry;
  const [oh, ow] = win.output;
  const positions = oh * ow;
  const cout = gy.length / m / positions;
  const coutG = cout / groups;
  const cinG = cin / groups;
  const [kh, kw] = win.kernel;
  const pd = cinG * kh * kw;
  const xs = cin * h * w;
  const gx = new Float32Array(m * xs);
  for (let gi = 0; gi < groups; gi++) {
    const gt = new Float32Array(m * positions * coutG);
    for (let r = 0; r < m; r++)
      for (let o = 0; o < coutG; o++) {
        const src = (r * cout + gi * coutG + o) * positions;
        for (let p = 0; p < positions; p++) gt[(r * positions + p) * coutG + o] = gy[src + p];
      }
    const wg = weight.subarray(gi * coutG * pd, (gi + 1) * coutG * pd);
    const patches = (await engine.matmul(matrix(m * positions, coutG, gt), matrix(coutG, pd, wg), false)).data;
    for (let r = 0; r < m; r++)
      for (let ch = 0; ch < cinG; ch++) {
        const plane = r * xs + (gi * cinG + ch) * h * w;
        for (let ki = 0; ki < kh; ki++)
          for (let kj = 0; kj < kw; kj++) {
            const col = (ch * kh + ki) * kw + kj;
            for (let oy = 0; oy < oh; oy++) {
              const iy = oy * win.strides[0] - win.begin[0] + ki * win.dilations[0];
              if (iy < 0 || iy >= h) continue;
              for (let ox = 0; ox < ow; ox++) {
                const ix = ox * win.strides[1] - win.begin[1] + kj * win.dilations[1];
                if (ix >= 0 && ix < w) gx[plane + iy * w + ix] += patches[(r * positions + oy * ow + ox) * pd + col];
              }
            }
          }
      }
  }
  return gx;
}
