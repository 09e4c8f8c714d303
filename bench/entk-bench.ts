// Full empirical NTK of an MLP 784-W-W-10 (the benchmark), per implementation and engine, with the
// nominal FLOP count of the structured algorithm so engines can be compared as GFLOP/s. At 784-1024-1024-10, n = 256
// the full and the class-trace kernel also run layer-wise in PyTorch (bench/peers/mlp_entk.py), the ratio beside ours.
import { architectureFromConfig, initParams, type Architecture } from '../src-main/core/models/architecture';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { architectureNtkModel, empiricalNtkFn } from '../src-main/core/ntk/empirical-ntk';
import { createRng } from '../src-main/core/random';
import { medianSeconds, type Row } from './measure';
import { torchPeer, withPeer } from './torch-peer';

export function mlp(width: number): Architecture {
  return architectureFromConfig({ arch: 'fcn', depth: 2, width, bias: false, parameterization: 'ntk' }, 784, 10);
}

/**
 * FLOPs the structured full self kernel executes: forward, backward products, the input Grams and the cotangent Grams
 * over the upper block triangle of b = min(4, floor(n k / 256)) sample blocks ((b + 1) / 2b of the whole product).
 */
export function structuredFlops(width: number, n: number, k = 10): number {
  const d = 784;
  const forward = 2 * n * (d * width + width * width);
  const backward = 2 * n * k * width * width;
  const blocks = Math.max(1, Math.min(4, Math.floor((n * k) / 256)));
  const grams = ((blocks + 1) / (2 * blocks)) * 2 * (n * k) ** 2 * (2 * width) + 2 * n * n * (d + 2 * width);
  return forward + backward + grams;
}

/**
 * `contrast`: an engine timed beside the others on the peered case only, never the one a ratio is taken on (the
 * onnxruntime engine with spinning pool threads, onnxruntime's own default).
 */
export async function benchEntk(engines: MatmulEngine[], options: { all: boolean; contrast?: MatmulEngine }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const width of [256, 1024]) {
    const a = mlp(width);
    const params = initParams(a, 0);
    for (const n of [64, 256]) {
      const rng = createRng(1, 'bench-x');
      const x = Float64Array.from({ length: n * 784 }, () => rng.uniform());
      const label = `784-${width}-${width}-10, n=${n}`;
      const flops = structuredFlops(width, n);
      const structured: Row[] = [];
      for (const engine of engines) {
        const ntkFn = empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel: 'full', engine });
        const { median } = await medianSeconds(() => ntkFn(x, undefined, params), { warmupSeconds: 0.3, minRuns: 3, budgetSeconds: 3 });
        structured.push({ section: 'eNTK full', case: label, engine: `structured / ${engine.name}`, seconds: median, gflops: flops / median / 1e9, note: `${n * 10}x${n * 10}` });
      }
      const peered = width === 1024 && n === 256;
      rows.push(...(peered ? await besidePeer(structured, { width, n, kernel: 'full' }) : structured));
      if (peered) {
        const engine = fastest(structured, engines);
        const timed = (kernel: 'full' | 'trace', e: MatmulEngine) => {
          const fn = empiricalNtkFn(architectureNtkModel(a), { implementation: 'structured', kernel, engine: e });
          return medianSeconds(() => fn(x, undefined, params), { warmupSeconds: 0.3, minRuns: 3, budgetSeconds: 3 });
        };
        const { median } = await timed('trace', engine);
        rows.push(...withPeer({ section: 'eNTK trace', case: label, engine: `structured / ${engine.name}`, seconds: median, note: `${n}x${n}, summed over 10 classes` }, await torchPeer('mlp_entk', { width, n, kernel: 'trace' })));
        if (options.contrast) {
          const contrast = options.contrast;
          const full = await timed('full', contrast);
          const note = 'contrast: pool threads spinning between runs (onnxruntime default; ours turn it off)';
          rows.push({ section: 'eNTK full', case: label, engine: `structured / ${contrast.name}`, seconds: full.median, gflops: flops / full.median / 1e9, note });
          rows.push({ section: 'eNTK trace', case: label, engine: `structured / ${contrast.name}`, seconds: (await timed('trace', contrast)).median, note });
        }
      }
      const generic = engines[0];
      if (options.all || (width === 256 && n === 64)) {
        const t0 = performance.now();
        await empiricalNtkFn(architectureNtkModel(a), { implementation: 'generic', kernel: 'full', engine: generic })(x, undefined, params);
        const seconds = (performance.now() - t0) / 1000;
        rows.push({ section: 'eNTK full', case: label, engine: `generic / ${generic.name}`, seconds, note: `${n * 10} backward passes, one run` });
      } else {
        rows.push({ section: 'eNTK full', case: label, engine: `generic / ${generic.name}`, note: 'skipped (minutes; bench --all)' });
      }
    }
  }
  return rows;
}

function fastest(structured: readonly Row[], engines: readonly MatmulEngine[]): MatmulEngine {
  const times = structured.map((r) => r.seconds ?? Infinity);
  return engines[times.indexOf(Math.min(...times))];
}

/** The engine rows with the PyTorch peer's row after them and the ratio on the fastest engine's row. */
async function besidePeer(structured: readonly Row[], args: { width: number; n: number; kernel: 'full' | 'trace' }): Promise<Row[]> {
  const times = structured.map((r) => r.seconds ?? Infinity);
  const best = times.indexOf(Math.min(...times));
  const [ours, ...peer] = withPeer(structured[best], await torchPeer('mlp_entk', args));
  return [...structured.map((r, i) => (i === best ? ours : r)), ...peer];
}
