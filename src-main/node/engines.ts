// Picks the engines a run uses on this host: the matmul engine for kernel contractions and the step engine for
// training. onnxruntime-node (a node-only engine passed into core here; core never imports it) wins the benchmark
// for both (bench/: Gram 4-16x faster than tfjs-wasm, Fig. 1 GD step ~15-40 ms vs ~220 ms), so 'auto' uses it wherever
// it supports the work: full-batch GD on the paper's FCN/ResNet; everything else trains on tfjs autodiff.
import { createTfjsMatmulEngine } from '../core/linalg/tfjs-matmul-engine';
import type { MatmulEngine } from '../core/linalg/gram-engine';
import { createTfjsStepEngine, type StepEngineSpec } from '../core/train/tfjs-step-engine';
import type { StepEngine } from '../core/train/step-engine';
import type { TrainEngines } from '../core/train/train-types';
import { CodedError } from '../contract/result';
import { withOrtConvBackward } from './ort/ort-conv-engine';
import { createOrtGramEngine } from './ort/ort-gram-engine';
import { createOrtStepEngine, ortSpecFromStepEngineSpec, ortStepEngineSupports } from './ort/ort-step-engine';

export type EngineChoice = 'auto' | 'tfjs' | 'onnxruntime';

export interface EngineOptions {
  /** 'auto': onnxruntime-node where it supports the work; 'tfjs': everything on tfjs; 'onnxruntime': fail if unsupported. */
  readonly engine?: EngineChoice;
}

let sharedOrtMatmul: Promise<MatmulEngine> | undefined;

/** One onnxruntime Gram engine (with its conv backward) per process: sessions are created once, reused by every run. */
function ortMatmul(): Promise<MatmulEngine> {
  sharedOrtMatmul ??= createOrtGramEngine().then((gram) => withOrtConvBackward(gram));
  return sharedOrtMatmul;
}

async function stepEngineFor(choice: EngineChoice, spec: StepEngineSpec): Promise<StepEngine> {
  if (choice === 'tfjs') return createTfjsStepEngine(spec);
  const ortSpec = ortSpecFromStepEngineSpec(spec);
  const problem = ortStepEngineSupports(ortSpec);
  if (problem === null) return createOrtStepEngine(ortSpec);
  if (choice === 'onnxruntime') throw new CodedError('config/invalid', `the onnxruntime step engine cannot run this config: ${problem}; use --engine tfjs or auto`);
  return createTfjsStepEngine(spec);
}

/** The kernel-contraction engine for a choice: onnxruntime's unless 'tfjs' (or, under 'auto', it fails to load). */
export async function matmulEngine(choice: EngineChoice = 'auto'): Promise<MatmulEngine> {
  if (choice === 'tfjs') return createTfjsMatmulEngine();
  try {
    return await ortMatmul();
  } catch (error) {
    sharedOrtMatmul = undefined;
    if (choice === 'onnxruntime') throw new CodedError('backend/unavailable', `onnxruntime-node could not start: ${(error as Error).message}`);
    return createTfjsMatmulEngine();
  }
}

export async function createTrainEngines(options: EngineOptions = {}): Promise<TrainEngines> {
  const choice = options.engine ?? 'auto';
  const matmul = await matmulEngine(choice);
  return { matmul, createStepEngine: (spec) => stepEngineFor(choice, spec) };
}
