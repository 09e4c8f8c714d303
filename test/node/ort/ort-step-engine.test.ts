// The ORT step engine (hand-derived backward in ONNX) against tfjs autodiff (tf.valueAndGrads over the same formulas)
// for small FCNs and ResNets, every loss and reduction: losses of 3 GD steps, then outputs, loss and parameters.
// Both sides are float32; tolerance |ort - ref| <= 2e-5 + 2e-4 |ref| per entry.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { LossConfig, OptimizerConfig } from '../../../src-main/contract/run-config';
import { circleData } from '../../../src-main/core/data/synthetic';
import { architectureFromConfig, initParams } from '../../../src-main/core/models/architecture';
import { createTfjsStepEngine } from '../../../src-main/core/train/tfjs-step-engine';
import type { ParamSet } from '../../../src-main/core/models/params';
import { createRng, normalArray } from '../../../src-main/core/random';
import { expectedParams, type NetSpec } from '../../../src-main/node/ort/net-graph';
import { createOrtStepEngine, netOf, ortSpecFromStepEngineSpec, ortStepEngineSupports, type OrtStepSpec } from '../../../src-main/node/ort/ort-step-engine';

const STEPS = 3;
const n = 7;
const d = 3;

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tolerance = 2e-5 + 2e-4 * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tolerance)) expect.fail(`${label}[${i}]: got ${got[i]}, want ${want[i]} (tolerance ${tolerance})`);
  }
}

function makeSpec(arch: 'fcn' | 'resnet', bias: boolean, loss: LossConfig, k: number, parameterization: 'ntk' | 'standard' = 'ntk'): OrtStepSpec {
  const rng = createRng(7, `${arch}-${bias}-${loss.kind}-${loss.targets}-${k}`);
  const widths = arch === 'fcn' ? [6, 5] : [5, 5];
  const classes = loss.kind === 'softmax-ce' || loss.targets === 'one-hot' ? k : 2;
  const draft = { arch, widths, d, k, bias, alpha: arch === 'resnet' ? 0.7 : undefined, parameterization } as const;
  const net: NetSpec = netOf({ ...draft, params: [], x: new Float64Array(), y: new Int32Array(), n, loss, lr: 0.1 });
  const params: ParamSet = expectedParams(net).map(({ name, shape }) => {
    const fanIn = shape.length === 2 ? shape[1] : 1;
    const scale = parameterization === 'standard' && shape.length === 2 ? 1 / Math.sqrt(fanIn) : 1;
    return { name, shape, values: normalArray(rng, shape.reduce((a, b) => a * b, 1), scale) };
  });
  return {
    ...draft,
    params,
    x: Float64Array.from({ length: n * d }, () => rng.normal()),
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    n,
    loss,
    // sum reduction multiplies the gradient by n (n k for mse): a smaller step keeps 3 steps finite
    lr: loss.reduction === 'sum' ? 0.02 : 0.1,
    threads: 1,
  };
}

/** f(X) [n, k] in tfjs, row-major as PyTorch writes it. */
function forward(spec: OrtStepSpec, p: Record<string, tf.Tensor>, x: tf.Tensor2D): tf.Tensor2D {
  const net = netOf(spec);
  const dense = (a: tf.Tensor2D, w: string, b?: string): tf.Tensor2D => {
    const z = tf.matMul(a, p[w] as tf.Tensor2D, false, true) as tf.Tensor2D;
    return b === undefined ? z : (tf.add(z, p[b]) as tf.Tensor2D);
  };
  let a: tf.Tensor2D = x;
  if (net.arch === 'fcn') {
    net.widths.forEach((m, i) => {
      const c = net.parameterization === 'ntk' ? Math.sqrt(2 / m) : 1;
      a = tf.mul(tf.relu(dense(a, `W${i + 1}`, net.bias ? `b${i + 1}` : undefined)), c) as tf.Tensor2D;
    });
  } else {
    const m = net.widths[0];
    const ntk = net.parameterization === 'ntk';
    a = tf.mul(dense(a, 'A', 'b0'), ntk ? 1 / Math.sqrt(m) : 1) as tf.Tensor2D;
    for (let l = 1; l <= net.widths.length; l++) {
      const h = tf.mul(tf.relu(dense(a, `W${l}`, `b${l}`)), ntk ? Math.sqrt(2 / m) : 1) as tf.Tensor2D;
      a = tf.add(a, tf.mul(dense(h, `V${l}`, `d${l}`), ntk ? net.alpha / Math.sqrt(m) : 1)) as tf.Tensor2D;
    }
  }
  return dense(a, 'Wout');
}

function lossOf(spec: OrtStepSpec, f: tf.Tensor2D): tf.Scalar {
  const { kind, reduction, targets } = spec.loss;
  const y = Array.from(spec.y);
  let total: tf.Scalar;
  let count: number;
  if (kind === 'bce') {
    const sign = tf.tensor2d(y.map((v) => 2 * v - 1), [n, 1]);
    total = tf.sum(tf.softplus(tf.neg(tf.mul(f, sign))));
    count = n;
  } else if (kind === 'softmax-ce') {
    total = tf.neg(tf.sum(tf.mul(tf.oneHot(y, spec.k), tf.logSoftmax(f))));
    count = n;
  } else {
    const t =
      targets === 'one-hot' ? tf.cast(tf.oneHot(y, spec.k), 'float32') : tf.tensor2d(y.map((v) => (targets === 'plus-minus' ? 2 * v - 1 : v)), [n, 1]);
    total = tf.sum(tf.square(tf.sub(f, t)));
    count = n * spec.k;
  }
  return reduction === 'mean' ? tf.div(total, count) : total;
}

/** STEPS steps of theta <- theta - lr grad with tfjs autodiff; then loss, outputs and parameters. */
function reference(spec: OrtStepSpec) {
  const names = spec.params.map((p) => p.name);
  let values = spec.params.map((p) => tf.tensor(p.values, [...p.shape]));
  const x = tf.tensor2d(Float32Array.from(spec.x), [n, d]);
  const objective = (...ps: tf.Tensor[]) => lossOf(spec, forward(spec, Object.fromEntries(names.map((name, i) => [name, ps[i]])), x));
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const next = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(objective)(values);
      losses.push(value.dataSync()[0]);
      return values.map((v, i) => tf.sub(v, tf.mul(grads[i], spec.lr)));
    });
    tf.dispose(values);
    values = next;
  }
  const f = forward(spec, Object.fromEntries(names.map((name, i) => [name, values[i]])), x);
  const result = {
    losses,
    loss: lossOf(spec, f).dataSync()[0],
    outputs: f.dataSync() as Float32Array,
    params: Object.fromEntries(names.map((name, i) => [name, values[i].dataSync() as Float32Array])),
  };
  tf.dispose([...values, x, f]);
  return result;
}

const losses: [LossConfig, number][] = [
  [{ kind: 'bce', reduction: 'mean', targets: 'zero-one' }, 1],
  [{ kind: 'softmax-ce', reduction: 'mean', targets: 'one-hot' }, 3],
  [{ kind: 'mse', reduction: 'mean', targets: 'zero-one' }, 1],
  [{ kind: 'mse', reduction: 'mean', targets: 'plus-minus' }, 1],
  [{ kind: 'mse', reduction: 'mean', targets: 'one-hot' }, 3],
];
const cases = losses.flatMap(([loss, k]) =>
  (['mean', 'sum'] as const).flatMap((reduction) =>
    (
      [
        ['fcn', true],
        ['fcn', false],
        ['resnet', true],
      ] as const
    ).map(([arch, bias]) => ({ arch, bias, loss: { ...loss, reduction }, k, label: `${arch}${arch === 'fcn' ? (bias ? '+bias' : ' no bias') : ''} k=${k} ${loss.kind}/${loss.targets} ${reduction}` })),
  ),
);

describe('createOrtStepEngine matches tfjs autodiff', () => {
  const standard = (['fcn', 'resnet'] as const).map((arch) => ({ arch, bias: true, loss: losses[1][0], k: 3, label: `${arch} standard parameterisation`, standard: true }));
  it.each([...cases, ...standard])(
    '$label',
    async (c) => {
      const spec = makeSpec(c.arch, c.bias, c.loss, c.k, 'standard' in c ? 'standard' : 'ntk');
      const want = reference(spec);
      expect([...want.losses, want.loss].every(Number.isFinite)).toBe(true);
      const engine = await createOrtStepEngine(spec);
      const got: number[] = [];
      for (let s = 0; s < STEPS; s++) got.push(await engine.step());
      expectClose(got, want.losses, 'losses');
      const evaluation = await engine.evaluate();
      expectClose([evaluation.loss], [want.loss], 'loss after');
      expectClose(evaluation.outputs, want.outputs, 'outputs');
      const params = await engine.readParams();
      expect(params.map((p) => p.name)).toEqual(spec.params.map((p) => p.name));
      let moved = 0;
      for (const p of params) {
        expectClose(p.values, want.params[p.name], p.name);
        const initial = spec.params.find((q) => q.name === p.name)!.values;
        p.values.forEach((v, i) => (moved = Math.max(moved, Math.abs(v - initial[i]))));
      }
      expect(moved).toBeGreaterThan(1e-3);
      engine.dispose();
    },
  );
});

describe('createOrtStepEngine runs', () => {
  const spec = makeSpec('fcn', true, losses[1][0], 3);

  it('steps(3) in one Loop run equals three step() calls, and preallocated outputs change nothing', async () => {
    const single = await createOrtStepEngine(spec);
    const one = [await single.step(), await single.step(), await single.step()];
    const batched = await createOrtStepEngine(spec);
    expect(Array.from(await batched.steps(3))).toEqual(one);
    const preallocated = await createOrtStepEngine({ ...spec, outputs: 'preallocated' });
    expect(preallocated.outputs).toBe('preallocated');
    for (let s = 0; s < 3; s++) await preallocated.step();
    const [a, b, c] = await Promise.all([single.readParams(), batched.readParams(), preallocated.readParams()]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    for (const engine of [single, batched, preallocated]) engine.dispose();
  });

  it('runs overlapping calls one after another', async () => {
    const sequential = await createOrtStepEngine(spec);
    const want = [await sequential.step(), await sequential.step()];
    const overlapping = await createOrtStepEngine(spec);
    expect(await Promise.all([overlapping.step(), overlapping.step()])).toEqual(want);
    expect(await overlapping.readParams()).toEqual(await sequential.readParams());
    sequential.dispose();
    overlapping.dispose();
  });

  it('copies the initial parameters and hands out copies', async () => {
    const before = spec.params.map((p) => Float32Array.from(p.values));
    const engine = await createOrtStepEngine(spec);
    const read = await engine.readParams();
    read[0].values[0] += 1;
    await engine.step();
    spec.params.forEach((p, i) => expect(p.values).toEqual(before[i]));
    expect((await engine.readParams())[0].values[0]).not.toBe(read[0].values[0]);
    engine.dispose();
    await expect(engine.step()).rejects.toThrow(/disposed/);
  });

  it.each([
    ['sgd', { optimizer: 'sgd' as const }, /only full-batch gradient descent/],
    ['adam', { optimizer: 'adam' as const }, /only full-batch gradient descent/],
    ['bce with k = 3', { k: 3, loss: losses[0][0] }, /bce needs k = 1/],
    ['softmax-ce with k = 1', { loss: losses[1][0], k: 1 }, /softmax-ce needs k >= 2/],
    ['a label out of range', { y: Int32Array.from([0, 1, 2, 0, 1, 2, 5]) }, /label y\[6\] = 5/],
    ['ResNet widths that differ', { arch: 'resnet' as const, widths: [6, 5] }, /share one width/],
    ['a missing parameter', { params: spec.params.slice(1) }, /W1 is missing/],
    ['a wrong shape', { params: spec.params.map((p) => (p.name === 'W2' ? { ...p, shape: [4, 6] } : p)) }, /W2 has shape/],
    ['lr = 0', { lr: 0 }, /lr must be/],
    ['short x', { x: new Float64Array(5) }, /x has 5 values/],
  ])('rejects %s', async (_label, change, reason) => {
    const bad = { ...spec, ...change } as OrtStepSpec;
    expect(ortStepEngineSupports(bad)).toMatch(reason);
    await expect(createOrtStepEngine(bad)).rejects.toThrow(reason);
  });

  it('accepts the spec it was given', () => {
    expect(ortStepEngineSupports(spec)).toBeNull();
  });
});

describe('ortSpecFromStepEngineSpec', () => {
  it.each([
    ['fcn', { arch: 'fcn' as const, depth: 2, width: 16, bias: false, parameterization: 'ntk' as const }, 'bce'],
    ['fcn with bias', { arch: 'fcn' as const, depth: 2, width: 16, bias: true, parameterization: 'ntk' as const }, 'mse'],
    ['resnet', { arch: 'resnet' as const, depth: 2, width: 16, bias: false, alpha: 0.5, parameterization: 'ntk' as const }, 'bce'],
  ] as const)('%s: agrees with the tfjs step engine over 5 steps on the circle data', async (_label, model, kind) => {
    const architecture = architectureFromConfig(model, 2, 1);
    const spec = {
      architecture,
      params: initParams(architecture, 3),
      data: circleData(6, 'alternating'),
      loss: { kind, reduction: 'mean', targets: 'plus-minus' } as LossConfig,
      optimizer: { kind: 'gd', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as OptimizerConfig,
      seed: 3,
    };
    const ortEngine = await createOrtStepEngine(ortSpecFromStepEngineSpec(spec, { threads: 1 }));
    const tfEngine = createTfjsStepEngine(spec);
    for (let s = 0; s < 5; s++) expectClose([await ortEngine.step()], [await tfEngine.step()], `loss ${s}`);
    const [got, want] = await Promise.all([ortEngine.readParams(), tfEngine.readParams()]);
    for (const p of want) expectClose(got.find((q) => q.name === p.name)!.values, p.values, p.name);
    expectClose((await ortEngine.evaluate()).outputs, (await tfEngine.evaluate()).outputs, 'outputs');
    ortEngine.dispose();
    tfEngine.dispose();
  });
});
