// Sessions kept by their baked weight's values (baked-sessions.ts): found again by value (not by array identity), never
// reused after the caller's weight changed in place, evicted least recently used first, a failed build not kept.
import { afterAll, describe, expect, it } from 'vitest';
import { createBakedSessions } from '../../../src-main/node/ort/baked-sessions';
import { ModelBuilder } from '../../../src-main/node/onnx/model-builder';
import { createSession, f32Tensor } from '../../../src-main/node/ort/ort-session';

/** X = G * W elementwise, W [3] baked in. */
function scaleModel(weight: Float32Array): Uint8Array {
  const m = new ModelBuilder({ graphName: 'scale' });
  m.input('G', 'float32', [3]);
  m.initializer('W', 'float32', [3], weight);
  m.op('Mul', ['G', 'W'], {}, 'X');
  m.output('X', 'float32', [3]);
  return m.encode();
}

const ones = Float32Array.from([1, 1, 1]);

describe('baked sessions', () => {
  const sessions = createBakedSessions(2);
  let builds = 0;
  const run = (weight: Float32Array) =>
    sessions.use(
      'scale',
      weight,
      () => {
        builds++;
        return createSession(scaleModel(weight), 1, false, false);
      },
      async (s) => Array.from((await s.run({ G: f32Tensor(ones, [3]) })).X.data as Float32Array),
    );
  afterAll(() => sessions.dispose());

  it('finds a session by the weight values, and builds anew when the caller changes them in place', async () => {
    const w = Float32Array.from([1, 2, 3]);
    expect(await run(w)).toEqual([1, 2, 3]);
    expect(await run(Float32Array.from([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(builds).toBe(1);
    w[1] = 5;
    expect(await run(w)).toEqual([1, 5, 3]);
    expect(builds).toBe(2);
    expect(sessions.size).toBe(2);
  });

  it('evicts the least recently used beyond its capacity, and rebuilds it when needed again', async () => {
    const before = builds;
    const [a, b, c] = [7, 8, 9].map((v) => Float32Array.from([v, v, v]));
    await run(a);
    await run(b);
    await run(a);
    await run(c);
    expect(sessions.size).toBe(2);
    expect(builds - before).toBe(3);
    expect(await run(a)).toEqual([7, 7, 7]);
    expect(builds - before).toBe(3);
    expect(await run(b)).toEqual([8, 8, 8]);
    expect(builds - before).toBe(4);
  });

  it('does not keep a build that failed: the error reaches the caller, the next use tries again', async () => {
    const w = Float32Array.from([4, 4, 4]);
    const size = sessions.size;
    await expect(sessions.use('scale', w, () => Promise.reject(new Error('no model')), async () => 0)).rejects.toThrow('no model');
    // Its place was made (the oldest evicted at capacity) but it is not held.
    expect(sessions.size).toBeLessThan(size);
    const before = builds;
    expect(await run(w)).toEqual([4, 4, 4]);
    expect(builds).toBe(before + 1);
  });

  it('releases everything on dispose', async () => {
    await sessions.dispose();
    expect(sessions.size).toBe(0);
  });
});
