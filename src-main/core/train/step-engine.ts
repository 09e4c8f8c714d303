// What the training loop needs from whatever executes optimiser steps: tfjs autodiff (any model, loss, optimiser)
// or a node-provided fused engine (onnxruntime-node) for the paper's networks. The loop never asks which.
import type { ParamSet } from '../models/params';

export interface Evaluation {
  /** Loss on the whole training set at the current parameters. */
  readonly loss: number;
  /** f(X) on the whole training set, [n * k] sample-major (row i*k + a). */
  readonly outputs: Float32Array;
}

export interface StepEngine {
  /** Recorded with the run, e.g. 'tfjs-wasm' or 'onnxruntime-cpu'. */
  readonly name: string;
  /** One optimiser update; returns the (batch) loss at the parameters before the update, so NaN/Inf is seen at once. */
  step(): Promise<number>;
  /**
   * Optional: `count` updates in one call (engines whose per-call overhead dominates, e.g. an onnxruntime Loop);
   * returns the loss before each update. The loop uses it between recorded steps.
   */
  steps?(count: number): Promise<Float32Array>;
  /** Loss and outputs on the full training set at the current parameters (no update). */
  evaluate(): Promise<Evaluation>;
  /** A copy of the current parameters. */
  readParams(): Promise<ParamSet>;
  /** Frees every tensor or session the engine holds. */
  dispose(): void;
}
