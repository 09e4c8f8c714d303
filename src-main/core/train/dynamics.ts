// The NTK-dynamics comparison of one run (Yu, Tian, Chen 2025, arXiv 2504.11130: under CE the network leaves the
// kernel regime). Beside the network it evolves kernel GD with the analytic kernel (f^ntk), the linearised network
// f^lin_t = f_0 + J_0 (theta_t - theta_0) (JVP at theta_0, models/jvp.ts) and kernel GD with the frozen empirical K_0,
// on the training points and the test points (the circle sweep's x'; the datasets have no held-out split yet), and
// measures max |f_t - f^*_t| over points and outputs. Start: f^ntk_0 = f^K0_0 = f_0, the network's own outputs at
// initialisation, not 0 (paper-notes.md is silent; Lee et al. 2019 start both from f_0). Then every gap is 0 at
// t = 0 and measures only the kernel's effect: from 0 each gap would carry |f_0(x)|, an O(1) Gaussian-process draw
// at every width, and the MSE gap could not shrink with width.
import { type DynamicsPart, dynamicsPartsOf, dynamicsProblems } from '../../contract/run-config-rules';
import { DYNAMICS_METRIC_OF, type DynamicsMetric, type DynamicsMetrics } from '../../contract/metric-names';
import { CodedError } from '../../contract/result';
import type { MatmulEngine } from '../linalg/gram-engine';
import { maxAbsDiff } from '../linalg/norms';
import { lossGradient } from '../losses';
import { architectureModel, modelOutputs } from '../models/differentiable-model';
import { jvpAt } from '../models/jvp';
import type { ParamSet } from '../models/params';
import { architectureNtkModel, empiricalNtkFn } from '../ntk/empirical-ntk';
import { kronIdentity } from '../ntk/kernel-types';
import { type KernelFlow, kernelFlow } from './kernel-flow';
import type { RunPlan } from './run-plan';

export interface Dynamics {
  /**
   * Advances the kernel flows to `step` and measures every enabled gap against the network at `params`, whose
   * training outputs are `fxTrain` [n k]. Cost: O(steps (n k)^2) for the flows, one forward pass on the test points,
   * one JVP (~4 forward passes) on the training and the test points.
   */
  measure(step: number, params: ParamSet, fxTrain: Float32Array): Promise<DynamicsMetrics>;
  dispose(): void;
}

/** The points the run compares on besides its training set: the circle sweep's x' [count, 2], when configured. */
export function dynamicsTestPoints(plan: RunPlan): Float64Array | undefined {
  return plan.sweep?.x2;
}

/** theta - theta_0 per parameter (float32, like the parameters). */
function tangentOf(params: ParamSet, params0: ParamSet): ParamSet {
  return params.map((p, index) => {
    const q = params0[index];
    if (q.name !== p.name || q.values.length !== p.values.length) throw new Error(`parameter sets differ at ${p.name}`);
    return { name: p.name, shape: p.shape, values: p.values.map((v, i) => v - q.values[i]) };
  });
}

/**
 * Sets up what the config's `dynamics` block enables, from theta_0 and the network's training outputs at step 0
 * (`fxTrain0` gives them, [n k]; asked only when something is enabled); undefined when nothing is. Throws `config/invalid` for a config the rules refuse.
 * Cost: the empirical K_0 on the training and test points (kernel0), the analytic kernel on them (analytic).
 */
export async function startDynamics(plan: RunPlan, matmul: MatmulEngine, fxTrain0: () => Promise<Float32Array>): Promise<Dynamics | undefined> {
  const { config } = plan;
  const parts = dynamicsPartsOf(config);
  if (parts.length === 0) return undefined;
  const problem = dynamicsProblems(config)[0];
  if (problem) throw new CodedError('config/invalid', problem.message);
  const { data, k, architecture, initialParams } = plan;
  const model = architectureModel(architecture);
  const xTest = dynamicsTestPoints(plan);
  const nTest = xTest ? xTest.length / data.d : 0;
  const f0Train = Float64Array.from(await fxTrain0());
  const f0Test = xTest ? await modelOutputs(model, initialParams, xTest) : undefined;
  const flow = (kTrainTrain: Float64Array, kTestTrain: Float64Array | undefined): KernelFlow =>
    kernelFlow({ kTrainTrain, kTestTrain, fxTrain0: f0Train, fxTest0: f0Test, lr: config.optimizer.lr, lossGradient: (f) => lossGradient(config.loss, f, data.y, k) });

  const flows = new Map<DynamicsPart, KernelFlow>();
  if (parts.includes('analytic')) {
    const analytic = plan.analyticKernelFn;
    if (!analytic || !plan.analyticTrain) throw new CodedError('config/invalid', 'dynamics.analytic needs the analytic kernel, which does not apply to this run');
    flows.set('analytic', flow(kronIdentity(plan.analyticTrain, data.n, data.n, k), xTest ? kronIdentity(analytic(xTest, nTest, data.x, data.n), nTest, data.n, k) : undefined));
  }
  if (parts.includes('kernel0')) {
    // The full (n k) x (n k) K_0 whatever the run's snapshot layout: kernel GD needs every output pair.
    const kernelFn = plan.mode === 'full' ? plan.kernelFn : empiricalNtkFn(architectureNtkModel(architecture), { implementation: config.ntk.implementation, kernel: 'full', engine: matmul });
    const k0 = await kernelFn(data.x, undefined, initialParams);
    flows.set('kernel0', flow(k0, xTest ? await kernelFn(xTest, data.x, initialParams) : undefined));
  }
  const linear = parts.includes('linearised') ? jvpAt(model, initialParams) : undefined;
  const xBoth = xTest ? Float64Array.from([...data.x, ...xTest]) : data.x;

  return {
    async measure(step, params, fxTrain) {
      const fTest = xTest ? await modelOutputs(model, params, xTest) : undefined;
      const out: Partial<Record<DynamicsMetric, number>> = {};
      const record = (part: DynamicsPart, train: ArrayLike<number>, test: ArrayLike<number> | undefined) => {
        out[DYNAMICS_METRIC_OF[part].train] = maxAbsDiff(fxTrain, train);
        if (fTest && test) out[DYNAMICS_METRIC_OF[part].test] = maxAbsDiff(fTest, test);
      };
      for (const part of parts) {
        if (part === 'linearised' && linear) {
          // One JVP over the training and the test points together: the per-call overhead dominates at these sizes.
          const jv = await linear.jvpFn(xBoth, tangentOf(params, initialParams));
          const rows = f0Train.length;
          record(
            part,
            f0Train.map((v, i) => v + jv[i]),
            f0Test?.map((v, i) => v + jv[rows + i]),
          );
          continue;
        }
        const kernel = flows.get(part);
        if (!kernel) continue;
        kernel.advanceTo(step);
        record(part, kernel.fxTrain(), kernel.fxTest());
      }
      return out;
    },
    dispose() {
      linear?.dispose();
    },
  };
}
