// The analytic NTK at n = 2000 (target: under 1 s), for MNIST-sized and circle inputs.
import { analyticNtk } from '../src-main/core/ntk/analytic';
import { analyticKernel } from '../src-main/node/analytic-kernel';
import { createRng } from '../src-main/core/random';
import { loadMnist } from '../src-main/node/data/mnist';
import { medianSeconds, type Row } from './measure';

/** MNIST digits (d = 784, mostly zeros, as the paper's Fig. 4 uses), dense uniform d = 784, and circle-like d = 2. */
async function inputSets(n: number): Promise<{ label: string; x: Float64Array; d: number }[]> {
  const mnist = await loadMnist({ n, labels: 'parity', balanced: true, seed: 0 });
  const dense = createRng(2, 'analytic-dense');
  const plane = createRng(2, 'analytic-2');
  return [
    { label: 'MNIST d = 784', x: mnist.x, d: 784 },
    { label: 'dense uniform d = 784', x: Float64Array.from({ length: n * 784 }, () => dense.uniform()), d: 784 },
    { label: 'd = 2', x: Float64Array.from({ length: n * 2 }, () => plane.normal()), d: 2 },
  ];
}

export async function benchAnalytic(): Promise<Row[]> {
  const rows: Row[] = [];
  const n = 2000;
  for (const { label, x, d } of await inputSets(n)) {
    for (const spec of [
      { arch: 'fcn' as const, depth: 3, bias: false, form: 'derived' as const },
      { arch: 'resnet' as const, depth: 3, bias: true, form: 'derived' as const },
    ]) {
      const { median } = await medianSeconds(async () => analyticNtk(spec, x, n, d), { warmupSeconds: 0.2, minRuns: 3, budgetSeconds: 3 });
      rows.push({ section: 'analytic NTK', case: `${spec.arch} depth ${spec.depth}, n = ${n}, ${label}`, engine: 'float64 TS', seconds: median });
      const fast = await medianSeconds(() => analyticKernel(spec, x, n, d), { warmupSeconds: 0.2, minRuns: 3, budgetSeconds: 3 });
      rows.push({ section: 'analytic NTK', case: `${spec.arch} depth ${spec.depth}, n = ${n}, ${label}`, engine: 'TS + onnxruntime f64 Gram', seconds: fast.median });
    }
  }
  return rows;
}
