// Everything a training run fixes before its first step: the architecture and seeded parameters, the kernel
// functions (core/ntk/empirical-ntk.ts), the analytic kernel with lambda_0 and the bound lambda_0 / (2 n^2), the
// circle sweep, and the steps to record. Pure setup; the step loop and the snapshots only read it.
import type { RunConfig } from '../../contract/run-config';
import { DEFAULTS } from '../../contract/run-config-rules';
import type { Dataset } from '../data/dataset';
import { circleSweep } from '../data/synthetic';
import type { MatmulEngine } from '../linalg/gram-engine';
import { gramSpectrum } from '../linalg/spectrum';
import { outputsForLoss } from '../losses';
import { type Architecture, architectureFromConfig, describeArchitecture, initParams } from '../models/architecture';
import { paramCount, type ParamSet } from '../models/params';
import { analyticNtk } from '../ntk/analytic';
import { architectureNtkModel, empiricalNtkFn, type NtkFn } from '../ntk/empirical-ntk';
import type { KernelMode } from '../ntk/kernel-types';
import { scheduleSteps } from './schedule';
import { layoutAnalytic } from './snapshot-metrics';
import type { RunStartInfo } from './train-types';

export interface RunPlan {
  readonly config: RunConfig;
  readonly data: Dataset;
  /** Outputs per sample. */
  readonly k: number;
  readonly architecture: Architecture;
  readonly initialParams: ParamSet;
  /** Training samples whose outputs and kernel diagonals are logged. */
  readonly tracked: readonly number[];
  readonly mode: KernelMode;
  /** Kernel rows: n k (full) or n (trace). */
  readonly rows: number;
  /** K_t on the training set, laid out as `mode`. */
  readonly kernelFn: NtkFn;
  /** The run's contraction engine: its kernels, and the Lanczos products of spectra beyond the full-spectrum limit. */
  readonly matmul: MatmulEngine;
  /** The analytic kernel K(x1, x2) [n1, n2] (K(x1, x1) without x2), when it applies to the run. */
  readonly analyticKernelFn?: AnalyticKernelFn;
  /** Analytic kernel [n, n] on the training set, and laid out like the empirical one. */
  readonly analyticTrain?: Float64Array;
  readonly analyticLaid?: Float64Array;
  readonly lambda0?: number;
  readonly bound?: number;
  /** Fig. 2/3 sweep: the pairs, its class-trace kernel function and the analytic values. */
  readonly sweep?: { readonly x1: Float64Array; readonly x2: Float64Array; readonly phis: Float64Array; readonly kernelFn: NtkFn; readonly analytic?: Float64Array };
  readonly metricSteps: ReadonlySet<number>;
  readonly kernelSteps: ReadonlySet<number>;
  /** Sorted union of metric and kernel steps. */
  readonly recorded: readonly number[];
}

/** x1 [n1, d] and optional x2 [n2, d], float64 row-major, to the analytic kernel [n1, n2]. */
export type AnalyticKernelFn = (x1: Float64Array, n1: number, x2?: Float64Array, n2?: number) => Float64Array;

/** Which training samples have their outputs and diagonals logged. */
function trackedSamples(config: RunConfig, n: number): number[] {
  const requested = config.logging.trackSamples ?? Array.from({ length: Math.min(n, DEFAULTS.trackedSamples) }, (_, i) => i);
  for (const i of requested) if (i >= n) throw new Error(`logging.trackSamples has ${i}, but the data has ${n} samples`);
  return requested;
}

/** The analytic kernel applies to the NTK parameterisation only; its spec mirrors the architecture. */
function analyticFor(config: RunConfig, a: Architecture): AnalyticKernelFn | undefined {
  if (config.ntk.analytic === 'none' || a.parameterization !== 'ntk') return undefined;
  const spec =
    a.arch === 'fcn'
      ? { arch: 'fcn' as const, depth: a.widths.length, bias: a.bias, form: config.ntk.analytic }
      : { arch: 'resnet' as const, depth: a.depth, bias: true, alpha: a.alpha, form: config.ntk.analytic };
  return (x1, n1, x2, n2) => analyticNtk(spec, x1, n1, a.inputDim, x2, n2);
}

/** The plan of a validated config on its data. Cost: the analytic kernel and its spectrum, O(n^2 d + rows^3). */
export async function planRun(config: RunConfig, data: Dataset, matmul: MatmulEngine): Promise<RunPlan> {
  const k = outputsForLoss(config.loss, data.classes);
  const architecture = architectureFromConfig(config.model, data.d, k);
  const initialParams = initParams(architecture, config.seed);
  const tracked = trackedSamples(config, data.n);
  const mode = config.ntk.kernel;
  const rows = mode === 'full' ? data.n * k : data.n;
  const model = architectureNtkModel(architecture);
  const implementation = config.ntk.implementation;
  const kernelFn = empiricalNtkFn(model, { implementation, kernel: mode, traceNormalization: config.ntk.traceNormalization, engine: matmul });

  const analytic = analyticFor(config, architecture);
  const analyticTrain = analytic?.(data.x, data.n);
  const analyticLaid = analyticTrain ? layoutAnalytic(analyticTrain, data.n, k, mode, config.ntk.traceNormalization) : undefined;
  const lambda0 = analyticLaid ? (await gramSpectrum(analyticLaid, rows, { fullMax: config.logging.fullSpectrumMax, engine: matmul })).lambdaMin : undefined;
  const bound = lambda0 !== undefined ? lambda0 / (2 * data.n * data.n) : undefined;

  const sweepCount = config.ntk.circleSweep;
  if (sweepCount > 0 && data.d !== 2) throw new Error(`ntk.circleSweep needs 2-d inputs; the data has d = ${data.d}`);
  // The sweep is a class trace, divided by k only when the run's own kernel is a mean trace.
  const meanTrace = mode === 'trace' && config.ntk.traceNormalization === 'mean';
  const sweepPairs = sweepCount > 0 ? circleSweep(sweepCount) : undefined;
  const sweep = sweepPairs && {
    ...sweepPairs,
    kernelFn: empiricalNtkFn(model, { implementation, kernel: 'trace', traceNormalization: meanTrace ? 'mean' : 'sum', engine: matmul }),
    analytic: analytic?.(sweepPairs.x1, 1, sweepPairs.x2, sweepCount).map((v) => v * (meanTrace ? 1 : k)),
  };

  const metricSteps = new Set(scheduleSteps(config.logging.metrics, config.steps));
  const kernelSteps = new Set(scheduleSteps(config.logging.kernels, config.steps));
  const recorded = [...new Set([...metricSteps, ...kernelSteps])].sort((x, y) => x - y);
  return { config, data, k, architecture, initialParams, tracked, mode, rows, kernelFn, matmul, analyticKernelFn: analytic, analyticTrain, analyticLaid, lambda0, bound, sweep, metricSteps, kernelSteps, recorded };
}

/** What the run tells its host before the first step. */
export function startInfo(plan: RunPlan, stepEngine: string, matmulEngine: string): RunStartInfo {
  return {
    architecture: describeArchitecture(plan.architecture),
    paramCount: paramCount(plan.initialParams),
    outputs: plan.k,
    stepEngine,
    matmulEngine,
    trackedSamples: plan.tracked,
    metricSteps: plan.recorded.length,
    kernelSteps: plan.kernelSteps.size,
    analyticKernel: plan.analyticTrain,
    lambda0: plan.lambda0,
    bound: plan.bound,
    sweepPhis: plan.sweep?.phis,
    sweepAnalytic: plan.sweep?.analytic,
  };
}
