// One training run from a validated config: plan it (run-plan.ts), then alternate recorded steps (snapshot.ts:
// metrics, kernel snapshots, non-finite checks) with optimiser steps (step-loop.ts) until the last step, a cancel, or
// divergence (a non-finite loss, output, parameter, kernel or dynamics gap), and summarise. Engines and sinks come
// from the host. The NTK-dynamics comparison (dynamics.ts) starts from the network's outputs before the first step.
import type { RunConfig } from '../../contract/run-config';
import type { Dataset } from '../data/dataset';
import { type Dynamics, startDynamics } from './dynamics';
import { planRun, startInfo } from './run-plan';
import { createSnapshots } from './snapshot';
import { createStepLoop } from './step-loop';
import type { RunStatus, TrainCallbacks, TrainEngines, TrainResult } from './train-types';

export async function runTraining(config: RunConfig, data: Dataset, engines: TrainEngines, callbacks: TrainCallbacks = {}, signal?: AbortSignal): Promise<TrainResult> {
  const plan = await planRun(config, data, engines.matmul);
  const engine = await engines.createStepEngine({ architecture: plan.architecture, params: plan.initialParams, data, loss: config.loss, optimizer: config.optimizer, seed: config.seed });
  let dynamics: Dynamics | undefined;
  try {
    dynamics = await startDynamics(plan, engines.matmul, async () => (await engine.evaluate()).outputs);
    await callbacks.onStart?.(startInfo(plan, engine.name, engines.matmul.name));
    const started = performance.now();
    const snapshots = createSnapshots(plan, engine, callbacks, started, dynamics);
    const loop = createStepLoop(engine, config.steps, callbacks);
    let outcome: { status: RunStatus; reason?: string; divergedAt?: number } = { status: 'completed' };
    let stepsDone = 0;
    let next = 0;
    for (let step = 0; ; ) {
      if (step === plan.recorded[next]) {
        next++;
        const diverged = await snapshots.take(step);
        if (diverged) {
          outcome = { status: 'diverged', reason: diverged, divergedAt: step };
          break;
        }
      }
      if (step === config.steps) break;
      if (signal?.aborted) {
        outcome = { status: 'cancelled', reason: `cancelled at step ${step}` };
        break;
      }
      const advanced = await loop.advance(step, plan.recorded[next] ?? config.steps);
      stepsDone = advanced.stepsDone;
      if (advanced.diverged !== undefined) {
        outcome = { status: 'diverged', reason: advanced.diverged, divergedAt: advanced.divergedAt };
        break;
      }
      step = stepsDone;
    }
    const finalParams = await engine.readParams();
    const wallSeconds = (performance.now() - started) / 1000;
    const { finalLoss, finalAccuracy, ...kernelSummary } = snapshots.summary();
    return {
      summary: { ...outcome, stepsDone, finalLoss, finalAccuracy, wallSeconds, stepsPerSecond: stepsDone / wallSeconds, lambda0: plan.lambda0, bound: plan.bound, ...kernelSummary },
      initialParams: plan.initialParams,
      finalParams,
    };
  } finally {
    dynamics?.dispose();
    engine.dispose();
  }
}
