// What a training run exchanges with its host: the engines it is given, the callbacks it calls (start info, metric
// records, kernel snapshots) and the result it returns. Types only, so the plan, the step loop, the snapshot code and
// every sink import them without importing each other.
import type { KernelMode } from '../ntk/kernel-types';
import type { MatmulEngine } from '../linalg/gram-engine';
import type { ParamSet } from '../models/params';
import type { DynamicsMetrics } from '../../contract/metric-names';
import type { KernelMetrics, StepMetrics } from './snapshot-metrics';
import type { StepEngine } from './step-engine';
import type { StepEngineSpec } from './tfjs-step-engine';

export interface TrainEngines {
  readonly matmul: MatmulEngine;
  createStepEngine(spec: StepEngineSpec): Promise<StepEngine>;
}

export type MetricsRecord = StepMetrics & Partial<KernelMetrics> & DynamicsMetrics & { readonly wallTime: number; readonly kernelStep: boolean };

export interface KernelSnapshot {
  readonly step: number;
  /** 'full' [n k, n k] sample-major or 'trace' [n, n]; float64. */
  readonly kind: KernelMode;
  readonly rows: number;
  readonly kernel: Float64Array;
  /** Ascending eigenvalues when the full spectrum was computed. */
  readonly eigenvalues?: Float64Array;
  /** Fig. 2/3 sweep: K_t((1,0), (cos phi_j, sin phi_j)) (class trace), when configured. */
  readonly sweep?: Float64Array;
}

export interface TrainCallbacks {
  /** After every optimiser step (cheap; hosts throttle). */
  onStep?(step: number, total: number, loss: number): void;
  onMetrics?(record: MetricsRecord): void | Promise<void>;
  onKernel?(snapshot: KernelSnapshot): void | Promise<void>;
  /** Called once before the first step with what the run will record. */
  onStart?(info: RunStartInfo): void | Promise<void>;
}

export interface RunStartInfo {
  readonly architecture: string;
  readonly paramCount: number;
  readonly outputs: number;
  readonly stepEngine: string;
  readonly matmulEngine: string;
  readonly trackedSamples: readonly number[];
  readonly metricSteps: number;
  readonly kernelSteps: number;
  /** Analytic kernel on the training set [n, n] (float64), when it applies. */
  readonly analyticKernel?: Float64Array;
  readonly lambda0?: number;
  readonly bound?: number;
  /** phi values of the circle sweep, when configured. */
  readonly sweepPhis?: Float64Array;
  readonly sweepAnalytic?: Float64Array;
}

export type RunStatus = 'completed' | 'cancelled' | 'diverged';

export interface RunSummary {
  readonly status: RunStatus;
  readonly reason?: string;
  /** The step at which a diverged run found a non-finite loss, output, parameter or kernel. */
  readonly divergedAt?: number;
  readonly stepsDone: number;
  readonly finalLoss: number;
  readonly finalAccuracy: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  /** lambda_min of the analytic kernel on the training set, and the paper's bound lambda_0 / (2 n^2). */
  readonly lambda0?: number;
  readonly bound?: number;
  readonly supMaxAbsDiffAnalytic?: number;
  /** First kernel step where max |K_t - K| reached the bound, if any. */
  readonly firstCrossStep?: number;
  readonly finalRelDrift?: number;
}

export interface TrainResult {
  readonly summary: RunSummary;
  readonly initialParams: ParamSet;
  readonly finalParams: ParamSet;
}
