// The analytic NTK at n = 2000 (target: under 1 s), for MNIST-sized and circle inputs.
import { analyticNtk } from '../src-main/core/ntk/analytic';
import { createRng } from '../src-main/core/random';
import { medianSeconds, type Row } from './measure';

export async function benchAnalytic(): Promise<Row[]> {
  const rows: Row[] = [];
  const n = 2000;
  for (const d of [784, 2]) {
    const rng = createRng(2, `analytic-${d}`);
    const x = Float64Array.from({ length: n * d }, () => rng.uniform());
    for (const spec of [
      { arch: 'fcn' as const, depth: 3, bias: false, form: 'derived' as const },
      { arch: 'resnet' as const, depth: 3, bias: true, form: 'derived' as const },
    ]) {
      const { median } = await medianSeconds(async () => analyticNtk(spec, x, n, d), { warmupSeconds: 0.2, minRuns: 3, budgetSeconds: 3 });
      rows.push({ section: 'analytic NTK', case: `${spec.arch} depth ${spec.depth}, n = ${n}, d = ${d}`, engine: 'float64 TS', seconds: median });
    }
  }
  return rows;
}
