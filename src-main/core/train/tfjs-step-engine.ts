// Optimiser steps with tfjs autodiff: any architecture, loss and optimiser (full-batch GD, mini-batch SGD, Adam).
// Parameters live in tf.Variables; every step runs inside the optimiser's tidy, so memory stays flat.
import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig, OptimizerConfig } from '../../contract/run-config';
import type { Architecture } from '../models/architecture';
import type { ParamSet } from '../models/params';
import { forwardTf } from '../models/tf-forward';
import { lossTensor, lossValue } from '../losses';
import { createRng, permutation } from '../random';
import type { Dataset } from '../data/dataset';
import type { StepEngine } from './step-engine';

export interface StepEngineSpec {
  readonly architecture: Architecture;
  readonly params: ParamSet;
  readonly data: Dataset;
  readonly loss: LossConfig;
  readonly optimizer: OptimizerConfig;
  readonly seed: number;
}

function makeOptimizer(o: OptimizerConfig): tf.Optimizer {
  return o.kind === 'adam' ? tf.train.adam(o.lr, o.beta1, o.beta2, o.epsilon) : tf.train.sgd(o.lr);
}

/** Yields the sample indices of each mini-batch, reshuffled every epoch from the run's seed. */
function batchSchedule(n: number, batchSize: number, seed: number): () => Int32Array {
  const rng = createRng(seed, 'minibatch');
  let order = permutation(rng, n);
  let cursor = 0;
  return () => {
    if (cursor + batchSize > n) {
      order = permutation(rng, n);
      cursor = 0;
    }
    const batch = order.slice(cursor, cursor + batchSize);
    cursor += batchSize;
    return batch;
  };
}

export function createTfjsStepEngine(spec: StepEngineSpec): StepEngine {
  const { architecture: a, data, loss, optimizer } = spec;
  const variables = new Map(spec.params.map((p) => [p.name, tf.variable(tf.tensor(p.values, [...p.shape], 'float32'), true, `${p.name}_${Math.random().toString(36).slice(2)}`)]));
  const varList = [...variables.values()];
  const named = Object.fromEntries(variables);
  const xAll = tf.tensor2d(Float32Array.from(data.x), [data.n, data.d]);
  const opt = makeOptimizer(optimizer);
  const batchSize = optimizer.kind === 'gd' ? data.n : Math.min(optimizer.batchSize ?? data.n, data.n);
  const nextBatch = batchSize < data.n ? batchSchedule(data.n, batchSize, spec.seed) : undefined;

  return {
    name: `tfjs-${tf.getBackend()}`,
    async step() {
      let x = xAll;
      let y = data.y;
      let indices: tf.Tensor1D | undefined;
      if (nextBatch) {
        const batch = nextBatch();
        indices = tf.tensor1d(batch, 'int32');
        x = tf.gather(xAll, indices);
        y = Int32Array.from(batch, (i) => data.y[i]);
      }
      const cost = opt.minimize(() => lossTensor(loss, forwardTf(a, named, x), y), true, varList);
      const value = cost ? (await cost.data())[0] : NaN;
      if (cost) cost.dispose();
      if (indices) tf.dispose([indices, x]);
      return value;
    },
    async evaluate() {
      const f = tf.tidy(() => forwardTf(a, named, xAll));
      const outputs = (await f.data()) as Float32Array;
      f.dispose();
      return { loss: lossValue(loss, outputs, data.y, a.outputs), outputs };
    },
    async readParams() {
      return Promise.all(
        spec.params.map(async (p) => ({ name: p.name, shape: p.shape, values: (await (variables.get(p.name) as tf.Variable).data()) as Float32Array })),
      );
    },
    dispose() {
      tf.dispose([...varList, xAll]);
      opt.dispose();
    },
  };
}
