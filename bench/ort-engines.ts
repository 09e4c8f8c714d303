// onnxruntime-node engines against tfjs-wasm: Gram products A A^T at the MLP eNTK block sizes (GFLOP/s), and the Fig. 1
// gradient-descent step (FCN 2-2000x3-1, n = 6, BCE mean, lr 0.1) in ms/step. Standalone:
// `node --import tsx bench/ort-engines.ts [--quick]`; bench/run.ts imports benchOrtGram and benchOrtStep.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { matrix, type GramEngine } from '../src-main/core/linalg/gram-engine';
import { createTfjsMatmulEngine } from '../src-main/core/linalg/tfjs-matmul-engine';
import { circleData } from '../src-main/core/data/synthetic';
import { architectureFromConfig, initParams } from '../src-main/core/models/architecture';
import { createRng, normalArray } from '../src-main/core/random';
import { initBackend } from '../src-main/node/backend';
import { createOrtGramEngine, type OrtGramEngine } from '../src-main/node/ort/ort-gram-engine';
import { createOrtStepEngine, ortSpecFromStepEngineSpec } from '../src-main/node/ort/ort-step-engine';
import { medianSeconds, printTable, type Row } from './measure';

/** (n k) x W blocks of the MLP 784-1024-1024-10 eNTK at n = 256 (k = 10) and its 64-sample slices. */
export const GRAM_SIZES: readonly (readonly [number, number])[] = [
  [2560, 1024],
  [640, 1024],
  [640, 256],
  [2560, 256],
];

export interface BenchTiming {
  readonly warmupSeconds?: number;
  readonly budgetSeconds?: number;
}

type BenchedGram = GramEngine & { crossGramF32?: OrtGramEngine['crossGramF32']; dispose?: () => Promise<void> | void };

interface GramCase {
  readonly engine: string;
  readonly note: string;
  /** Also time the float32 product alone (no widening to float64). */
  readonly f32Row?: boolean;
  readonly make: () => Promise<BenchedGram>;
}

function gramCases(threads: readonly number[], withTfjs: boolean): GramCase[] {
  const cases: GramCase[] = [];
  for (const t of threads) {
    cases.push({ engine: `ort gemm transB, ${t} thr`, note: 'crossGram (f64 out)', f32Row: t === threads[0], make: () => createOrtGramEngine({ threads: t }) });
    cases.push({ engine: `ort matmul B^T, ${t} thr`, note: 'B transposed in JS', make: () => createOrtGramEngine({ threads: t, product: 'matmul' }) });
  }
  if (withTfjs) {
    cases.push({
      engine: 'tfjs-wasm matMul',
      note: 'explicit transpose',
      make: async () => {
        await initBackend('wasm');
        return createTfjsMatmulEngine();
      },
    });
  }
  return cases;
}

/**
 * Median time of A A^T (GramEngine.crossGram, float64 result) for each engine and block size, with GFLOP/s counted as
 * 2 p^2 m. Also one row per size for the float32 product alone (ort gemm, first thread count) to show the widening cost.
 */
export async function benchOrtGram(
  options: { sizes?: readonly (readonly [number, number])[]; threads?: readonly number[]; tfjs?: boolean } & BenchTiming = {},
): Promise<Row[]> {
  const sizes = options.sizes ?? GRAM_SIZES;
  const threads = options.threads ?? [1, 2];
  const timing = { warmupSeconds: options.warmupSeconds ?? 1, minRuns: 3, budgetSeconds: options.budgetSeconds ?? 2 };
  const rows: Row[] = [];
  for (const c of gramCases(threads, options.tfjs ?? true)) {
    const engine = await c.make();
    try {
      for (const [p, m] of sizes) {
        const a = matrix(p, m, normalArray(createRng(5, `gram-${p}x${m}`), p * m));
        const flops = 2 * p * p * m;
        const { median, runs } = await medianSeconds(() => engine.crossGram(a, a), timing);
        rows.push({ section: 'Gram A A^T', case: `${p} x ${m}`, engine: c.engine, seconds: median, gflops: flops / median / 1e9, note: `${c.note}, median of ${runs}` });
        const f32Product = engine.crossGramF32;
        if (c.f32Row && f32Product) {
          const f32 = await medianSeconds(() => f32Product(a, a), timing);
          rows.push({ section: 'Gram A A^T', case: `${p} x ${m}`, engine: `${c.engine} (f32 out)`, seconds: f32.median, gflops: flops / f32.median / 1e9, note: `no widening, median of ${f32.runs}` });
        }
      }
    } finally {
      await engine.dispose?.();
    }
  }
  return rows;
}

/** The Fig. 1 network and data exactly as the training loop builds them (examples/fig1.json settings). */
function fig1Spec() {
  const architecture = architectureFromConfig({ arch: 'fcn', depth: 3, width: 2000, bias: false, parameterization: 'ntk' }, 2, 1);
  return {
    architecture,
    params: initParams(architecture, 0),
    data: circleData(6, 'alternating'),
    loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' } as const,
    optimizer: { kind: 'gd', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const,
    seed: 0,
  };
}

interface StepCase {
  readonly threads: number;
  readonly outputs: 'fresh' | 'preallocated';
  readonly stepsPerRun: number;
  readonly spinning: boolean;
}

/**
 * ms per Fig. 1 GD step (median over a time-based run after a time-based warm-up) for the ORT step engine: step()
 * with fresh or pre-allocated outputs, and steps(count) where the weights cross into JS once per `count` steps.
 */
export async function benchOrtStep(options: { threads?: readonly number[]; stepsPerRun?: number } & BenchTiming = {}): Promise<Row[]> {
  const threads = options.threads ?? [1, 2];
  const chunk = options.stepsPerRun ?? 50;
  const cases: StepCase[] = threads.flatMap((t) => [
    { threads: t, outputs: 'fresh' as const, stepsPerRun: 1, spinning: true },
    { threads: t, outputs: 'preallocated' as const, stepsPerRun: 1, spinning: true },
    { threads: t, outputs: 'fresh' as const, stepsPerRun: chunk, spinning: true },
    ...(t > 1 ? [{ threads: t, outputs: 'fresh' as const, stepsPerRun: chunk, spinning: false }] : []),
  ]);
  const spec = fig1Spec();
  const rows: Row[] = [];
  for (const c of cases) {
    const engine = await createOrtStepEngine(ortSpecFromStepEngineSpec(spec, { threads: c.threads, outputs: c.outputs, spinning: c.spinning }));
    try {
      const run = c.stepsPerRun === 1 ? () => engine.step() : () => engine.steps(c.stepsPerRun);
      const { median, runs } = await medianSeconds(run, { warmupSeconds: options.warmupSeconds ?? 1.5, minRuns: 5, budgetSeconds: options.budgetSeconds ?? 4 });
      const perStep = median / c.stepsPerRun;
      rows.push({
        section: 'Fig. 1 GD step',
        case: c.stepsPerRun === 1 ? 'step()' : `steps(${c.stepsPerRun}), per step`,
        engine: `ort ${c.threads} thr${c.spinning ? '' : ' no-spin'}`,
        seconds: perStep,
        note: `outputs ${c.outputs === 'preallocated' ? 'pre-allocated (ping-pong)' : 'fresh (adopted)'}, median of ${runs} runs`,
      });
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const timing = quick ? { warmupSeconds: 0.3, budgetSeconds: 0.8 } : {};
  console.log(`ORT engines vs tfjs-wasm, node ${process.version}; load average before: ${loadavg().map((v) => v.toFixed(2)).join(' ')}\n`);
  const rows = [...(await benchOrtGram(timing)), ...(await benchOrtStep(timing))];
  printTable(rows);
  console.log(`\nload average after: ${loadavg().map((v) => v.toFixed(2)).join(' ')} (timings on shared cores jump with it)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
