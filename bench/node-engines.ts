// The node-only engines the benchmark compares against tfjs (filled in as they land).
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import type { StepEngineFactory } from './training-bench';

export async function nodeEngines(): Promise<{ matmul: MatmulEngine[]; step: StepEngineFactory[] }> {
  return { matmul: [], step: [] };
}
