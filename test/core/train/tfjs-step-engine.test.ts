import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { LossConfig } from '../../../src-main/contract/run-config';
import { makeDataset } from '../../../src-main/core/data/dataset';
import { type Architecture, initParams } from '../../../src-main/core/models/architecture';
import { jacobianF64 } from '../../../src-main/core/models/reference-f64';
import { lossValue, mseTargets } from '../../../src-main/core/losses';
import { createTfjsStepEngine } from '../../../src-main/core/train/tfjs-step-engine';

/** dLoss/df [n k] in float64, written from the loss definitions independently of tfjs. */
function lossGradient(loss: LossConfig, f: Float64Array, y: Int32Array, k: number): Float64Array {
  const n = y.length;
  const g = new Float64Array(n * k);
  const div = loss.reduction === 'mean' ? (loss.kind === 'mse' ? n * k : n) : 1;
  const t = loss.kind === 'mse' ? mseTargets(loss, y, k) : undefined;
  for (let i = 0; i < n; i++) {
    if (loss.kind === 'bce') {
      const s = 2 * y[i] - 1;
      g[i] = (-s / (1 + Math.exp(s * f[i]))) / div;
    } else if (loss.kind === 'softmax-ce') {
      const row = Array.from(f.subarray(i * k, (i + 1) * k));
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) g[i * k + c] = (e[c] / z - (c === y[i] ? 1 : 0)) / div;
    } else {
      for (let c = 0; c < k; c++) g[i * k + c] = (2 * (f[i * k + c] - (t as Float32Array)[i * k + c])) / div;
    }
  }
  return g;
}

const cases: { name: string; a: Architecture; loss: LossConfig; classes: number }[] = [
  { name: 'fcn bce mean', a: { arch: 'fcn', inputDim: 2, outputs: 1, widths: [32, 32], bias: false, parameterization: 'ntk' }, loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' }, classes: 2 },
  { name: 'fcn bce sum, bias', a: { arch: 'fcn', inputDim: 3, outputs: 1, widths: [24], bias: true, parameterization: 'ntk' }, loss: { kind: 'bce', reduction: 'sum', targets: 'zero-one' }, classes: 2 },
  { name: 'fcn softmax-ce', a: { arch: 'fcn', inputDim: 3, outputs: 3, widths: [20, 16], bias: true, parameterization: 'standard' }, loss: { kind: 'softmax-ce', reduction: 'mean', targets: 'zero-one' }, classes: 3 },
  { name: 'fcn mse one-hot', a: { arch: 'fcn', inputDim: 2, outputs: 3, widths: [16], bias: false, parameterization: 'ntk' }, loss: { kind: 'mse', reduction: 'mean', targets: 'one-hot' }, classes: 3 },
  { name: 'resnet mse +/-1', a: { arch: 'resnet', inputDim: 2, outputs: 1, width: 16, depth: 2, alpha: 0.5, parameterization: 'ntk' }, loss: { kind: 'mse', reduction: 'sum', targets: 'plus-minus' }, classes: 2 },
];

describe('tfjs step engine', () => {
  for (const { name, a, loss, classes } of cases) {
    it(`one GD step equals theta - lr J^T dL/df from the float64 reference (${name})`, async () => {
      const n = 6;
      const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.sin(0.7 * i + 0.1));
      const y = Int32Array.from({ length: n }, (_, i) => i % classes);
      const data = makeDataset(x, y, n, a.inputDim, 'test', classes);
      const params = initParams(a, 5);
      const lr = 0.05;
      const engine = createTfjsStepEngine({ architecture: a, params, data, loss, optimizer: { kind: 'gd', lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, seed: 0 });
      const { outputs, jacobian, paramCount } = jacobianF64(a, params, x, n);
      const g = lossGradient(loss, outputs, y, a.outputs);
      const lossBefore = await engine.step();
      expect(lossBefore).toBeCloseTo(lossValue(loss, outputs, y, a.outputs), 4);
      const after = await engine.readParams();
      const expected = new Float64Array(paramCount);
      let offset = 0;
      for (const p of params) {
        for (let j = 0; j < p.values.length; j++) {
          let grad = 0;
          for (let r = 0; r < n * a.outputs; r++) grad += jacobian[r * paramCount + offset + j] * g[r];
          expected[offset + j] = p.values[j] - lr * grad;
        }
        offset += p.values.length;
      }
      const flat = Float64Array.from(after.flatMap((p) => Array.from(p.values)));
      let maxErr = 0;
      let maxMove = 0;
      const before = Float64Array.from(params.flatMap((p) => Array.from(p.values)));
      for (let j = 0; j < paramCount; j++) {
        maxErr = Math.max(maxErr, Math.abs(flat[j] - expected[j]));
        maxMove = Math.max(maxMove, Math.abs(expected[j] - before[j]));
      }
      expect(maxMove).toBeGreaterThan(1e-4);
      expect(maxErr).toBeLessThan(2e-5 * Math.max(1, maxMove) + 1e-6);
      engine.dispose();
    });
  }

  it('keeps the tensor count flat over many steps (no leaks), for GD, SGD and Adam', async () => {
    const a: Architecture = { arch: 'resnet', inputDim: 2, outputs: 1, width: 16, depth: 2, alpha: 0.5, parameterization: 'ntk' };
    const n = 12;
    const data = makeDataset(Float64Array.from({ length: n * 2 }, (_, i) => Math.cos(i)), Int32Array.from({ length: n }, (_, i) => i % 2), n, 2, 'test');
    for (const kind of ['gd', 'sgd', 'adam'] as const) {
      const engine = createTfjsStepEngine({
        architecture: a,
        params: initParams(a, 1),
        data,
        loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' },
        optimizer: { kind, lr: 0.01, batchSize: 4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        seed: 3,
      });
      await engine.step();
      await engine.evaluate();
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) await engine.step();
      await engine.evaluate();
      await engine.readParams();
      expect(tf.memory().numTensors).toBe(tensors);
      engine.dispose();
    }
  });

  it('mini-batch SGD is reproducible from the seed', async () => {
    const a: Architecture = { arch: 'fcn', inputDim: 2, outputs: 1, widths: [8], bias: true, parameterization: 'ntk' };
    const n = 10;
    const data = makeDataset(Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(i)), Int32Array.from({ length: n }, (_, i) => (i * 7) % 2), n, 2, 'test');
    const run = async (seed: number) => {
      const engine = createTfjsStepEngine({ architecture: a, params: initParams(a, 0), data, loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' }, optimizer: { kind: 'sgd', lr: 0.1, batchSize: 3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, seed });
      const losses = [];
      for (let i = 0; i < 8; i++) losses.push(await engine.step());
      engine.dispose();
      return losses;
    };
    expect(await run(4)).toEqual(await run(4));
    expect(await run(4)).not.toEqual(await run(5));
  });
});
