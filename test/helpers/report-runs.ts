// Stored runs of a known shape for the report tests and the report bench, written straight into a store (no
// training): smooth metric curves with a NaN, kernel snapshots with spectra and circle sweeps, the analytic sweep
// and bound in the summary, and real initial/final parameters of the configured FCN.
import { architectureFromConfig, initParams } from '../../src-main/core/models/architecture';
import { runConfigSchema } from '../../src-main/contract/run-config';
import { encodeParamsArtifact } from '../../src-main/node/jobs/params-artifact';
import type { Store } from '../../src-main/node/store/store';
import type { MetricRow } from '../../src-main/node/store/types';

export interface SyntheticShape {
  /** Training steps; metrics are logged at `metricPoints` log-spaced steps in [0, steps]. */
  readonly steps: number;
  readonly metricPoints: number;
  readonly kernelSnapshots: number;
  /** Training samples n (2-d inputs, one output: kernels are n x n). */
  readonly n: number;
  readonly sweep: number;
  /** Leave the run running (a partial report). */
  readonly running?: boolean;
  readonly saveKernels?: boolean;
  readonly name?: string;
  readonly width?: number;
}

export const SMALL: SyntheticShape = { steps: 200, metricPoints: 40, kernelSnapshots: 5, n: 6, sweep: 41, name: 'synthetic-small' };
/** The paper's Fig. 1 run at full scale: 10^4 steps with metrics at every step, 25 kernel snapshots, n = 6, a 201-point sweep. */
export const FIG1: SyntheticShape = { steps: 10_000, metricPoints: 10_001, kernelSnapshots: 25, n: 6, sweep: 201, name: 'fig1-synthetic' };

export function logSteps(total: number, count: number): number[] {
  if (count >= total + 1) return Array.from({ length: total + 1 }, (_, i) => i);
  const steps = new Set<number>([0]);
  for (let i = 0; i < count - 1; i++) steps.add(Math.round(10 ** ((Math.log10(total) * i) / (count - 2))));
  steps.add(total);
  return [...steps].sort((a, b) => a - b);
}

/** A symmetric positive definite n x n kernel that drifts smoothly with t in [0, 1]. */
export function kernelAt(n: number, t: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] = Math.exp(-((i - j) ** 2) / (4 + t)) * (1 + 0.3 * t) + (i === j ? 0.5 : 0);
  return k;
}

export function createSyntheticRun(store: Store, projectName: string, shape: SyntheticShape): number {
  const project = store.projects.find(projectName) ?? store.projects.create(projectName, 'synthetic runs for report tests');
  const config = runConfigSchema.parse({
    name: shape.name,
    seed: 3,
    steps: shape.steps,
    model: { arch: 'fcn', depth: 2, width: shape.width ?? 32 },
    loss: { kind: 'bce' },
    optimizer: { kind: 'gd', lr: 1 },
    data: { kind: 'circle', n: shape.n },
    ntk: { circleSweep: shape.sweep },
    logging: { metrics: { logSpaced: shape.metricPoints }, kernels: { logSpaced: Math.max(1, shape.kernelSnapshots) }, saveKernels: shape.saveKernels ?? true },
  });
  const run = store.runs.create(project.id, { kind: 'train', config, name: shape.name });
  const lambda0 = 0.41;
  const bound = lambda0 / (2 * shape.n ** 2);
  const phis = Array.from({ length: shape.sweep }, (_, j) => -Math.PI + (2 * Math.PI * j) / (shape.sweep - 1));
  const sweepAnalytic = phis.map((p) => 1 + Math.cos(p) / 2);
  store.runs.markRunning(run.id, { name: 'wasm', tfjsVersion: '4.22.0', node: 'v20', platform: 'linux x64', workbenchVersion: '0.1.0', dataset: { description: `circle n=${shape.n}`, n: shape.n, d: 2, classes: 2 } }, {
    architecture: 'FCN 2-32-32-1',
    paramCount: 1153,
    lambda0,
    bound,
    sweepAnalytic,
    sweepPhis: phis,
    stepEngine: 'tfjs',
    matmulEngine: 'tfjs',
  });
  const steps = logSteps(shape.steps, shape.metricPoints);
  const rows: MetricRow[] = [];
  steps.forEach((step, i) => {
    const t = step / shape.steps;
    const wallTime = step * 1e-3 + 0.125;
    rows.push({ step, wallTime, name: 'loss', value: i === 3 ? NaN : 0.69 * Math.exp(-3 * t) + 1e-3 });
    rows.push({ step, wallTime, name: 'accuracy', value: Math.min(1, 0.5 + t) });
    rows.push({ step, wallTime, name: 'relDrift', value: 0.05 * t + 1 / 3 });
    rows.push({ step, wallTime, name: 'paramDistance', value: Math.log1p(step) });
    rows.push({ step, wallTime, name: 'maxAbsDiffAnalytic', value: 0.002 + 0.02 * t });
    for (let s = 0; s < Math.min(shape.n, 16); s++) rows.push({ step, wallTime, name: `outputs/${s}/0`, value: (s % 2 ? 1 : -1) * Math.log1p(step) * 0.1 });
  });
  for (let i = 0; i < rows.length; i += 20_000) store.metrics.append(run.id, rows.slice(i, i + 20_000));
  const kernelSteps = shape.kernelSnapshots > 0 ? logSteps(shape.steps, shape.kernelSnapshots) : [];
  for (const step of kernelSteps) {
    const t = step / shape.steps;
    const data = kernelAt(shape.n, t);
    const eigenvalues = Float64Array.from({ length: shape.n }, (_, i) => 0.4 + i * (1 + t));
    const sweep = Float64Array.from(phis, (p) => 1 + Math.cos(p) / 2 + 0.1 * t * Math.sin(p));
    store.kernels.put(run.id, { step, kind: 'full', rows: shape.n, data: shape.saveKernels === false ? undefined : data, eigenvalues, sweep });
  }
  if (shape.running) return run.id;
  const a = architectureFromConfig(config.model, 2, 1);
  for (const [name, seed] of [['params/initial', 1], ['params/final', 2]] as const) {
    const { bytes, meta } = encodeParamsArtifact(initParams(a, seed));
    store.artifacts.put(run.id, { name, kind: 'params', bytes, meta: { ...meta } });
  }
  // As the store sink does: runs:get leaves the circle sweep out of summaries, so the final summary carries it again.
  store.runs.markDone(run.id, {
    ...(store.runs.get(run.id).summary ?? {}),
    sweepAnalytic,
    sweepPhis: phis,
    status: 'completed',
    stepsDone: shape.steps,
    finalLoss: 0.69 * Math.exp(-3) + 1e-3,
    finalAccuracy: 1,
    wallSeconds: 12.5,
    ...(kernelSteps.length > 2 ? { firstCrossStep: kernelSteps[2] } : {}),
    supMaxAbsDiffAnalytic: 0.022,
    finalRelDrift: 0.05 + 1 / 3,
  });
  return run.id;
}

/** A stored import run (a checkpoint series) as import-job.ts records it: per-checkpoint metrics and trace kernels. */
export function createSyntheticImportRun(store: Store, projectName: string, checkpoints: number[]): number {
  const project = store.projects.find(projectName) ?? store.projects.create(projectName, '');
  const models = checkpoints.map((s) => `/data/ckpt-${s}.onnx`);
  const run = store.runs.create(project.id, { kind: 'import', config: { models, probe: 'mnist:8:1', kernel: 'trace', freeze: ['fc1.bias'], keepSoftmax: false }, name: 'mlp checkpoints' });
  store.runs.markRunning(run.id, { name: 'wasm' });
  const n = 8;
  checkpoints.forEach((step, i) => {
    const values: Record<string, number> = { paramNorm: 10 + i, paramDistance: i * 0.5, relDrift: i * 0.125, lambdaMin: 0.5 - i * 0.01, lambdaMax: 20 + i, outputChange: i * 0.2, maxAbsOutputChange: i * 0.3 };
    store.metrics.append(run.id, Object.entries(values).map(([name, value]) => ({ step, wallTime: i, name, value })));
    store.kernels.put(run.id, { step, kind: 'trace', rows: n, data: kernelAt(n, i / checkpoints.length), eigenvalues: Float64Array.from({ length: n }, (_, j) => 0.5 + j) });
  });
  store.runs.markDone(run.id, {
    checkpoints: checkpoints.length,
    model: { producer: 'pytorch 1.13', opset: 13, paramCount: 4321, inputShape: [784], outputs: 10 },
    probe: { source: 'mnist:8:1', n },
    kernel: 'trace',
    files: checkpoints.map((step, i) => ({ file: models[i], step })),
    finalRelDrift: (checkpoints.length - 1) * 0.125,
    finalParamDistance: (checkpoints.length - 1) * 0.5,
  });
  return run.id;
}
