// The node-only engines the benchmark compares against tfjs: onnxruntime-node for Grams and for GD steps. The Gram
// engine runs on every core (the CLI's and the app's default, first: the other benches use it) and, as the PyTorch
// peers are tried at 1..cores threads, on one thread too. A contrast engine with onnxruntime's own default, pool
// threads that spin between runs, shows in the eNTK rows what turning that off (ort-session.ts) is worth.
import { availableParallelism } from 'node:os';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { withOrtConvBackward } from '../src-main/node/ort/ort-conv-engine';
import { createOrtGramEngine, type OrtGramEngine } from '../src-main/node/ort/ort-gram-engine';
import { createOrtStepEngine, ortSpecFromStepEngineSpec } from '../src-main/node/ort/ort-step-engine';
import type { StepEngineFactory } from './training-bench';

/** The engine with its conv backward (as the CLI's) and its thread count in its name (the bench's rows tell the two apart). */
async function named(engine: Promise<OrtGramEngine>): Promise<MatmulEngine> {
  const e = withOrtConvBackward(await engine);
  return { ...e, name: `${e.name}, ${e.threads} thread${e.threads > 1 ? 's' : ''}` };
}

export async function nodeEngines(): Promise<{ matmul: MatmulEngine[]; spinning?: MatmulEngine; step: StepEngineFactory[] }> {
  const spinning = await named(createOrtGramEngine({ spinning: true }));
  return {
    matmul: [await named(createOrtGramEngine()), ...(availableParallelism() > 1 ? [await named(createOrtGramEngine({ threads: 1 }))] : [])],
    spinning: { ...spinning, name: `${spinning.name}, spinning` },
    step: [{ name: 'onnxruntime', create: (spec) => createOrtStepEngine(ortSpecFromStepEngineSpec(spec)) }],
  };
}
