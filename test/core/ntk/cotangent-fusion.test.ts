// An activation (LeakyRelu, PRelu) whose output only a conv reads goes back with that conv: the engine multiplies the
// conv's backward by the activation's slopes (onnxruntime in its graph, core's fallback in JS) and the activation's
// own step is skipped. The cotangents must equal those of the two steps run apart, bit for bit; that route is forced
// here by asking to keep the activation's output (a kept value is never fused away). Rows start mid-sample, as a
// row block of the kernel may. Before a max pool the activation rides on the pool's scatter the same way.
import { beforeAll, describe, expect, it } from 'vitest';
import { convEngineOf, type ConvEngine } from '../../../src-main/core/linalg/conv-engine';
import type { MatmulEngine } from '../../../src-main/core/linalg/gram-engine';
import { createTfjsMatmulEngine } from '../../../src-main/core/linalg/tfjs-matmul-engine';
import { backpropagate, type BackStep, type Captured, type StepMemo } from '../../../src-main/core/ntk/cotangent-program';
import type { ConvWindow } from '../../../src-main/core/ntk/im2col';
import { createRng, normalArray } from '../../../src-main/core/random';
import { initBackend } from '../../../src-main/node/backend';

const window3 = (spatial: readonly [number, number]): ConvWindow => ({ kernel: [3, 3], strides: [1, 1], dilations: [1, 1], begin: [1, 1], output: [spatial[0], spatial[1]] });

/** in [2, 5, 4] -conv-> c1 [3, 5, 4] -act-> a1 -conv-> c2 [2, 5, 4] -flatten-> out [40]. */
function net(act: 'leaky' | 'prelu'): BackStep[] {
  return [
    { op: 'conv', x: 'in', y: 'c1', weight: 'w1', groups: 1, window: window3 },
    act === 'leaky' ? { op: 'leaky', x: 'c1', y: 'a1', alpha: 0.2 } : { op: 'prelu', x: 'c1', y: 'a1', slope: { shape: [3, 1, 1], param: 'slope' } },
    { op: 'conv', x: 'a1', y: 'c2', weight: 'w2', groups: 1, window: window3 },
    { op: 'same', x: 'c2', y: 'out', factor: 1 },
  ];
}

/** The engine with its conv backward counted: calls with a row scale (fused) and without. */
function counted(engine: MatmulEngine): { engine: MatmulEngine & ConvEngine; calls: { scaled: number; plain: number } } {
  const conv = convEngineOf(engine);
  const calls = { scaled: 0, plain: 0 };
  return {
    calls,
    engine: {
      ...engine,
      convBackward: (gy, m, weight, geometry, scale) => {
        calls[scale ? 'scaled' : 'plain']++;
        return conv.convBackward(gy, m, weight, geometry, scale);
      },
    },
  };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('an activation before a conv rides on the conv backward', () => {
  for (const act of ['leaky', 'prelu'] as const)
    it(`${act}: the same cotangents at c1 as the steps run apart, with one conv backward fewer`, async () => {
      const rng = createRng(4, act);
      const n = 3;
      const values = new Map<string, Captured>([
        ['in', { shape: [2, 5, 4], data: normalArray(rng, n * 40) }],
        ['c1', { shape: [3, 5, 4], data: normalArray(rng, n * 60) }],
        ['a1', { shape: [3, 5, 4], data: normalArray(rng, n * 60) }],
        ['c2', { shape: [2, 5, 4], data: normalArray(rng, n * 40) }],
      ]);
      const params = [
        { name: 'w1', shape: [3, 2, 3, 3], values: normalArray(rng, 54) },
        { name: 'w2', shape: [2, 3, 3, 3], values: normalArray(rng, 54) },
        { name: 'slope', shape: [3, 1, 1], values: Float32Array.of(0.1, -0.3, 0.7) },
      ];
      const k = 40;
      // Rows 30..95: the last 10 rows of sample 0, all of sample 1, 16 rows of sample 2.
      const [r0, r1] = [30, 96];
      const fused = counted(createTfjsMatmulEngine());
      const apart = counted(createTfjsMatmulEngine());
      const got = await backpropagate(fused.engine, net(act), 'out', values, params, k, r0, r1, new Set(['c1']));
      const want = await backpropagate(apart.engine, net(act), 'out', values, params, k, r0, r1, new Set(['c1', 'a1']));
      expect(fused.calls).toEqual({ scaled: 1, plain: 0 });
      expect(apart.calls).toEqual({ scaled: 0, plain: 1 });
      const c1 = got.get('c1') as Float32Array;
      expect(c1.length).toBe((r1 - r0) * 60);
      expect(Array.from(c1)).toEqual(Array.from(want.get('c1') as Float32Array));
      expect(got.has('a1')).toBe(false);
      // The slopes did something: some entries differ from the plain conv backward's.
      expect(c1.some((v, i) => v !== (want.get('a1') as Float32Array)[i])).toBe(true);
    });
});

const pool2 = (spatial: readonly [number, number]): ConvWindow => ({ kernel: [2, 2], strides: [2, 2], dilations: [1, 1], begin: [0, 0], output: [spatial[0] / 2, spatial[1] / 2] });

describe('an activation before a max pool rides on the pool\'s scatter', () => {
  for (const act of ['leaky', 'prelu'] as const)
    it(`${act}: the same cotangents at c1 as the steps run apart`, async () => {
      const rng = createRng(6, act);
      const n = 3;
      // in [2, 4, 6] -conv-> c1 [3, 4, 6] -act-> a1 -maxpool 2x2-> p1 [3, 2, 3] -flatten-> out [18].
      const steps: BackStep[] = [
        { op: 'conv', x: 'in', y: 'c1', weight: 'w1', groups: 1, window: window3 },
        act === 'leaky' ? { op: 'leaky', x: 'c1', y: 'a1', alpha: 0.2 } : { op: 'prelu', x: 'c1', y: 'a1', slope: { shape: [3, 1, 1], param: 'slope' } },
        { op: 'maxpool', x: 'a1', y: 'p1', window: pool2 },
        { op: 'same', x: 'p1', y: 'out', factor: 1 },
      ];
      const c1 = normalArray(rng, n * 72);
      const values = new Map<string, Captured>([
        ['in', { shape: [2, 4, 6], data: normalArray(rng, n * 48) }],
        ['c1', { shape: [3, 4, 6], data: c1 }],
        ['a1', { shape: [3, 4, 6], data: Float32Array.from(c1, (v) => (v > 0 ? v : 0.2 * v)) }],
        ['p1', { shape: [3, 2, 3], data: normalArray(rng, n * 18) }],
      ]);
      const params = [
        { name: 'w1', shape: [3, 2, 3, 3], values: normalArray(rng, 54) },
        { name: 'slope', shape: [3, 1, 1], values: Float32Array.of(0.1, -0.3, 0.7) },
      ];
      const k = 18;
      const [r0, r1] = [10, 50];
      const engine = createTfjsMatmulEngine();
      const got = await backpropagate(engine, steps, 'out', values, params, k, r0, r1, new Set(['c1']));
      const want = await backpropagate(engine, steps, 'out', values, params, k, r0, r1, new Set(['c1', 'a1']));
      const fused = got.get('c1') as Float32Array;
      expect(got.has('a1')).toBe(false);
      expect(fused.length).toBe((r1 - r0) * 72);
      // Bit for bit but for the sign of zero: apart, a negative PRelu slope times an unpooled 0 gives -0.
      const zeroSigned = (v: Float32Array) => Array.from(v, (e) => (e === 0 ? 0 : e));
      expect(zeroSigned(fused)).toEqual(zeroSigned(want.get('c1') as Float32Array));
      // The slopes did something: some entries differ from the pooled cotangents before the activation.
      expect(fused.some((v, i) => v !== (want.get('a1') as Float32Array)[i])).toBe(true);
    });
});

describe('row blocks that split a sample share its slopes and pool maxima through one StepMemo', () => {
  it('four blocks with one memo give the cotangents of one block, and the memo holds the split sample', async () => {
    const rng = createRng(8, 'memo');
    const n = 3;
    // in [2, 4, 6] -conv-> c1 [3, 4, 6] -leaky-> a1 -conv-> c2 [3, 4, 6] -prelu-> a2 -maxpool 2x2-> p1 [3, 2, 3] -> out [18].
    const leaky: BackStep = { op: 'leaky', x: 'c1', y: 'a1', alpha: 0.2 };
    const prelu: BackStep = { op: 'prelu', x: 'c2', y: 'a2', slope: { shape: [3, 1, 1], param: 'slope' } };
    const pool: BackStep = { op: 'maxpool', x: 'a2', y: 'p1', window: pool2 };
    const steps: BackStep[] = [
      { op: 'conv', x: 'in', y: 'c1', weight: 'w1', groups: 1, window: window3 },
      leaky,
      { op: 'conv', x: 'a1', y: 'c2', weight: 'w2', groups: 1, window: window3 },
      prelu,
      pool,
      { op: 'same', x: 'p1', y: 'out', factor: 1 },
    ];
    const c1 = normalArray(rng, n * 72);
    const c2 = normalArray(rng, n * 72);
    const slope = Float32Array.of(0.1, -0.3, 0.7);
    const values = new Map<string, Captured>([
      ['in', { shape: [2, 4, 6], data: normalArray(rng, n * 48) }],
      ['c1', { shape: [3, 4, 6], data: c1 }],
      ['a1', { shape: [3, 4, 6], data: Float32Array.from(c1, (v) => (v > 0 ? v : 0.2 * v)) }],
      ['c2', { shape: [3, 4, 6], data: c2 }],
      ['a2', { shape: [3, 4, 6], data: Float32Array.from(c2, (v, i) => (v > 0 ? v : slope[Math.floor(i / 24) % 3] * v)) }],
      ['p1', { shape: [3, 2, 3], data: normalArray(rng, n * 18) }],
    ]);
    const params = [
      { name: 'w1', shape: [3, 2, 3, 3], values: normalArray(rng, 54) },
      { name: 'w2', shape: [3, 3, 3, 3], values: normalArray(rng, 81) },
      { name: 'slope', shape: [3, 1, 1], values: slope },
    ];
    const k = 18;
    const engine = createTfjsMatmulEngine();
    const whole = (await backpropagate(engine, steps, 'out', values, params, k, 0, n * k, new Set(['c1']))).get('c1') as Float32Array;
    const memo: StepMemo = new Map();
    const parts: Float32Array[] = [];
    for (const [r0, r1] of [[0, 10], [10, 25], [25, 40], [40, 54]]) {
      parts.push((await backpropagate(engine, steps, 'out', values, params, k, r0, r1, new Set(['c1']), undefined, memo)).get('c1') as Float32Array);
      // Block [10, 25) ends inside sample 1, block [25, 40) inside sample 2: their values wait in the memo.
      if (r1 === 25 || r1 === 40) for (const step of [leaky, prelu, pool]) expect(memo.get(step)?.sample).toBe(r1 === 25 ? 1 : 2);
    }
    const blocked = Float32Array.from(parts.flatMap((part) => Array.from(part)));
    expect(blocked.length).toBe(whole.length);
    const scale = Math.max(...whole.map(Math.abs));
    expect(Math.max(...blocked.map((v, i) => Math.abs(v - whole[i])))).toBeLessThan(1e-6 * scale);
    expect(scale).toBeGreaterThan(0);
  });
});
