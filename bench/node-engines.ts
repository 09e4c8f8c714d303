// The node-only engines the benchmark compares against tfjs: onnxruntime-node for Grams and for GD steps.
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { withOrtConvBackward } from '../src-main/node/ort/ort-conv-engine';
import { createOrtGramEngine } from '../src-main/node/ort/ort-gram-engine';
import { createOrtStepEngine, ortSpecFromStepEngineSpec } from '../src-main/node/ort/ort-step-engine';
import type { StepEngineFactory } from './training-bench';

export async function nodeEngines(): Promise<{ matmul: MatmulEngine[]; step: StepEngineFactory[] }> {
  return {
    matmul: [withOrtConvBackward(await createOrtGramEngine())],
    step: [{ name: 'onnxruntime', create: (spec) => createOrtStepEngine(ortSpecFromStepEngineSpec(spec)) }],
  };
}
