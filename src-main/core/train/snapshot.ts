// One recorded step of a run: read the parameters and evaluate, refuse non-finite loss, outputs or parameters, take
// the kernel snapshot when scheduled (refusing a non-finite kernel before its spectrum), and hand complete records to
// the callbacks. A step that fails a check records nothing and names what overflowed, so a diverged run keeps every
// metric it committed. Also keeps what the summary needs across snapshots (K_0, sup |K_t - K|, first crossing), and
// adds the NTK-dynamics gaps (dynamics.ts) when the run has them.
import { CodedError } from '../../contract/result';
import { firstNonFinite } from '../linalg/norms';
import type { ParamSet } from '../models/params';
import type { Dynamics } from './dynamics';
import type { RunPlan } from './run-plan';
import { type KernelMetrics, kernelMetrics, stepMetrics } from './snapshot-metrics';
import type { StepEngine } from './step-engine';
import type { RunSummary, TrainCallbacks } from './train-types';

export type SnapshotSummary = Pick<RunSummary, 'finalLoss' | 'finalAccuracy' | 'supMaxAbsDiffAnalytic' | 'firstCrossStep' | 'finalRelDrift'>;

export interface Snapshots {
  /** Records `step`; answers why the run diverged there, or undefined when every value was finite. */
  take(step: number): Promise<string | undefined>;
  summary(): SnapshotSummary;
}

/** "W2[17] = Infinity", or undefined when every parameter is finite. */
function nonFiniteParam(params: ParamSet): string | undefined {
  for (const p of params) {
    const bad = firstNonFinite(p.values);
    if (bad >= 0) return `${p.name}[${bad}] = ${p.values[bad]}`;
  }
  return undefined;
}

/** `started` is the run's performance.now() origin for wall times. */
export function createSnapshots(plan: RunPlan, engine: StepEngine, callbacks: TrainCallbacks, started: number, dynamics?: Dynamics): Snapshots {
  const { config, data, k, mode, rows, tracked } = plan;
  let kernel0: Float64Array | undefined;
  let lastChecked: number | undefined;
  const state: { -readonly [K in keyof SnapshotSummary]: SnapshotSummary[K] } = { finalLoss: NaN, finalAccuracy: NaN };

  /** The reason text: which quantity overflowed, the step, the first bad entry, and the last step checked finite. */
  const diverged = (what: 'outputs' | 'parameters' | 'kernel' | 'sweep kernel' | 'dynamics', step: number, detail: string) =>
    `${what} non-finite at step ${step}: ${detail}${lastChecked !== undefined && lastChecked < step ? ` (all finite at the previous check, step ${lastChecked})` : ''}`;

  async function kernelPart(step: number, params: ParamSet): Promise<Partial<KernelMetrics> | string> {
    const kernel = await plan.kernelFn(data.x, undefined, params);
    const bad = firstNonFinite(kernel);
    if (bad >= 0) return diverged('kernel', step, `entry ${bad} = ${kernel[bad]}`);
    const sweep = plan.sweep ? await plan.sweep.kernelFn(plan.sweep.x1, plan.sweep.x2, params) : undefined;
    const badSweep = sweep ? firstNonFinite(sweep) : -1;
    if (sweep && badSweep >= 0) return diverged('sweep kernel', step, `entry ${badSweep} = ${sweep[badSweep]}`);
    let measured: Awaited<ReturnType<typeof kernelMetrics>>;
    try {
      const spectrumOptions = { fullMax: config.logging.fullSpectrumMax, engine: plan.matmul };
      measured = await kernelMetrics(kernel, rows, kernel0 ?? kernel, plan.analyticLaid, tracked, mode === 'full' ? k : 1, spectrumOptions);
    } catch (error) {
      // A finite kernel whose eigenvalues overflow float64 diverged as surely as one with an Infinity entry.
      if (error instanceof CodedError && error.code === 'ntk/non-finite') return diverged('kernel', step, error.message);
      throw error;
    }
    kernel0 ??= kernel;
    const { eigenvalues, ...metrics } = measured;
    state.finalRelDrift = metrics.relDrift;
    if (metrics.maxAbsDiffAnalytic !== undefined) {
      state.supMaxAbsDiffAnalytic = Math.max(state.supMaxAbsDiffAnalytic ?? 0, metrics.maxAbsDiffAnalytic);
      if (state.firstCrossStep === undefined && plan.bound !== undefined && metrics.maxAbsDiffAnalytic >= plan.bound) state.firstCrossStep = step;
    }
    await callbacks.onKernel?.({ step, kind: mode, rows, kernel, eigenvalues, sweep });
    return metrics;
  }

  return {
    async take(step) {
      const params = await engine.readParams();
      const evaluation = await engine.evaluate();
      if (!Number.isFinite(evaluation.loss)) return `loss became ${evaluation.loss} at step ${step}`;
      const badOutput = firstNonFinite(evaluation.outputs);
      if (badOutput >= 0) return diverged('outputs', step, `f(x_${Math.floor(badOutput / k)})[${badOutput % k}] = ${evaluation.outputs[badOutput]}`);
      const badParam = nonFiniteParam(params);
      if (badParam) return diverged('parameters', step, badParam);
      const base = stepMetrics(step, evaluation.loss, evaluation.outputs, data.y, k, config.loss, tracked, params, plan.initialParams);
      const gaps = dynamics ? await dynamics.measure(step, params, evaluation.outputs) : {};
      const badGap = Object.entries(gaps).find(([, value]) => !Number.isFinite(value));
      if (badGap) return diverged('dynamics', step, `${badGap[0]} = ${badGap[1]}`);
      const isKernel = plan.kernelSteps.has(step);
      const kernel = isKernel ? await kernelPart(step, params) : {};
      if (typeof kernel === 'string') return kernel;
      lastChecked = step;
      state.finalLoss = base.loss;
      state.finalAccuracy = base.accuracy;
      await callbacks.onMetrics?.({ ...base, ...gaps, ...kernel, kernelStep: isKernel, wallTime: (performance.now() - started) / 1000 });
      return undefined;
    },
    summary: () => ({ ...state }),
  };
}
