// Optimiser steps between recorded steps: hands a multi-step engine as many steps as take about a second (up to the
// next recorded step), reports progress, refuses a non-finite loss at the step it appeared, and yields a macrotask
// turn now and then so cancellation and the host's timers get through.
import { macrotaskYielder } from '../macrotask';
import type { StepEngine } from './step-engine';
import type { TrainCallbacks } from './train-types';

export type Advance = { readonly stepsDone: number } & ({ readonly diverged?: undefined } | { readonly diverged: string; readonly divergedAt: number });

export interface StepLoop {
  /** Runs steps from `step` towards `until` (at least one); answers the steps done, or where the loss diverged. */
  advance(step: number, until: number): Promise<Advance>;
}

/**
 * How many steps to hand a multi-step engine at once: up to the next recorded step, sized so a call takes about a
 * second, which keeps progress and cancellation responsive while amortising the per-call cost (~8 ms for an ORT Loop).
 */
function createStepBatcher(targetMs = 1000, maxCount = 2000): { next(step: number, until: number): number; observe(count: number, ms: number): void } {
  let msPerStep = Infinity;
  return {
    next(step, until) {
      const budget = Number.isFinite(msPerStep) ? Math.max(1, Math.floor(targetMs / Math.max(msPerStep, 1e-3))) : 1;
      return Math.max(1, Math.min(until - step, budget, maxCount));
    },
    observe(count, ms) {
      msPerStep = ms / count;
    },
  };
}

export function createStepLoop(engine: StepEngine, totalSteps: number, callbacks: TrainCallbacks): StepLoop {
  const batcher = createStepBatcher();
  const pause = macrotaskYielder();
  return {
    async advance(step, until) {
      const count = engine.steps ? batcher.next(step, until) : 1;
      const chunkStart = performance.now();
      const losses = count > 1 && engine.steps ? await engine.steps(count) : [await engine.step()];
      batcher.observe(count, performance.now() - chunkStart);
      const bad = losses.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) return { stepsDone: step + bad + 1, diverged: `loss became ${losses[bad]} at step ${step + bad}`, divergedAt: step + bad };
      const stepsDone = step + count;
      callbacks.onStep?.(stepsDone, totalSteps, losses[losses.length - 1]);
      await pause();
      return { stepsDone };
    },
  };
}
