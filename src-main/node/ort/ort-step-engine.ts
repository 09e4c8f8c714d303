// Full-batch gradient descent for the paper's FCN and ResNet on onnxruntime: forward, hand-derived backward and update
// run as ONE session.run per step() (or per steps(count), a Loop), so a step never leaves native code. Parameters live
// in Float32Arrays here; each run adopts the fresh output arrays onnxruntime-node hands back, the cheapest option it has.
// A run blocks the JS thread for its whole length (onnxruntime-node 1.30 runs synchronously): use it from a worker.
import type { LossConfig } from '../../contract/run-config';
import type { ParamSet } from '../../core/models/params';
import type { Evaluation, StepEngine } from '../../core/train/step-engine';
import type { StepEngineSpec } from '../../core/train/tfjs-step-engine';
import { lossProblem } from './loss-graph';
import { expectedParams, type NetSpec } from './net-graph';
import { checkThreads, createSession, f32Tensor, ort } from './ort-session';
import { evalModel, loopStepModel, singleStepModel, type ModelData, type StepModel } from './step-models';

export interface OrtStepSpec {
  readonly arch: 'fcn' | 'resnet';
  /** Initial values, copied; names and shapes as expectedParams gives them (any order). */
  readonly params: ParamSet;
  /** [n, d] row-major; converted to float32 once. */
  readonly x: Float64Array;
  /** [n] integer labels. */
  readonly y: Int32Array;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly loss: LossConfig;
  readonly lr: number;
  readonly bias: boolean;
  /** ResNet branch scale; default 1/L. */
  readonly alpha?: number;
  /** FCN: m_1..m_L; ResNet: L equal widths. */
  readonly widths: readonly number[];
  /** 'standard': every forward multiplier 1 (sqrt(2/m), 1/sqrt(m), alpha/sqrt(m)); the initial weights carry the scale. */
  readonly parameterization: 'ntk' | 'standard';
  /** Intra-op threads; default every core. */
  readonly threads?: number;
  /** Busy-wait in onnxruntime's thread pool between parallel sections; default true: steps run back to back (see ort-session). */
  readonly spinning?: boolean;
  /** Only 'gd' (full batch) runs here. */
  readonly optimizer?: 'gd' | 'sgd' | 'adam';
  /**
   * 'fresh' (default) adopts the arrays onnxruntime-node returns. 'preallocated' passes two ping-pong buffer sets as
   * fetches; onnxruntime-node 1.30 fills them and still returns fresh copies, so it only costs more (kept to measure).
   */
  readonly outputs?: 'fresh' | 'preallocated';
}

export interface OrtStepEngine extends StepEngine {
  readonly threads: number;
  readonly outputs: 'fresh' | 'preallocated';
  /**
   * `count` gradient-descent steps in one session run; returns the loss before each update, [count] float32. Cost per
   * step as step(), but the parameters cross into JS once per call instead of once per step.
   */
  steps(count: number): Promise<Float32Array>;
}

export function netOf(spec: OrtStepSpec): NetSpec {
  return {
    arch: spec.arch,
    widths: spec.widths,
    d: spec.d,
    k: spec.k,
    bias: spec.bias,
    alpha: spec.alpha ?? 1 / spec.widths.length,
    parameterization: spec.parameterization,
  };
}

/** The ORT spec for what the training loop hands a step engine (core's StepEngineSpec). */
export function ortSpecFromStepEngineSpec(spec: StepEngineSpec, options: Pick<OrtStepSpec, 'threads' | 'spinning' | 'outputs'> = {}): OrtStepSpec {
  const a = spec.architecture;
  return {
    arch: a.arch,
    params: spec.params,
    x: spec.data.x,
    y: spec.data.y,
    n: spec.data.n,
    d: spec.data.d,
    k: a.outputs,
    loss: spec.loss,
    lr: spec.optimizer.lr,
    optimizer: spec.optimizer.kind,
    bias: a.arch === 'fcn' ? a.bias : true,
    alpha: a.arch === 'resnet' ? a.alpha : undefined,
    widths: a.arch === 'fcn' ? a.widths : Array.from({ length: a.depth }, () => a.width),
    parameterization: a.parameterization,
    ...options,
  };
}

/** Null when the ORT step engine runs this spec, otherwise why not (the tfjs engine runs everything). */
export function ortStepEngineSupports(spec: OrtStepSpec): string | null {
  if (spec.arch !== 'fcn' && spec.arch !== 'resnet') return `unknown architecture '${spec.arch as string}'`;
  if ((spec.optimizer ?? 'gd') !== 'gd') return `optimizer '${spec.optimizer}' is not supported: only full-batch gradient descent ('gd')`;
  if (spec.widths.length === 0) return 'widths must have at least one hidden layer';
  if (spec.arch === 'resnet' && spec.widths.some((m) => m !== spec.widths[0])) return 'ResNet blocks share one width';
  if (!(spec.lr > 0 && Number.isFinite(spec.lr))) return `lr must be a positive finite number, got ${spec.lr}`;
  if (spec.alpha !== undefined && !Number.isFinite(spec.alpha)) return `alpha must be finite, got ${spec.alpha}`;
  if (spec.x.length !== spec.n * spec.d) return `x has ${spec.x.length} values, expected n * d = ${spec.n * spec.d}`;
  if (spec.y.length !== spec.n) return `y has ${spec.y.length} labels, expected n = ${spec.n}`;
  const lossIssue = lossProblem(spec.loss, spec.k, spec.y);
  if (lossIssue) return lossIssue;
  for (const want of expectedParams(netOf(spec))) {
    const got = spec.params.find((p) => p.name === want.name);
    if (!got) return `parameter ${want.name} is missing`;
    if (got.shape.join('x') !== want.shape.join('x')) return `parameter ${want.name} has shape [${got.shape}], expected [${want.shape}]`;
    if (got.values.length !== want.shape.reduce((a, b) => a * b, 1)) return `parameter ${want.name} has the wrong number of values`;
  }
  if (spec.params.length !== expectedParams(netOf(spec)).length) return 'params has entries the network does not use';
  return null;
}

/**
 * An engine for full-batch GD on `spec` (throws an Error with the reason when ortStepEngineSupports rejects it).
 * Memory: the parameters once in JS (twice with outputs 'preallocated') plus onnxruntime's working set.
 */
export async function createOrtStepEngine(spec: OrtStepSpec): Promise<OrtStepEngine> {
  const problem = ortStepEngineSupports(spec);
  if (problem) throw new Error(`ORT step engine: ${problem}`);
  const threads = checkThreads(spec.threads);
  const spinning = spec.spinning ?? true;
  const outputs = spec.outputs ?? 'fresh';
  const net = netOf(spec);
  const order = expectedParams(net);
  const data: ModelData = { ...spec, x: Float32Array.from(spec.x) };
  const single = singleStepModel(data, net);
  const [singleSession, evalSession] = await Promise.all([
    createSession(single.bytes, threads, spinning),
    createSession(evalModel(data, net), threads, spinning),
  ]);
  let loop: Promise<{ model: StepModel; session: ort.InferenceSession }> | undefined;
  const loopSession = () => {
    loop ??= (async () => {
      const model = loopStepModel(data, net);
      return { model, session: await createSession(model.bytes, threads, spinning) };
    })();
    return loop;
  };
  let current: Map<string, Float32Array> = new Map(order.map((p) => [p.name, Float32Array.from(spec.params.find((q) => q.name === p.name)!.values)]));
  let spare: Map<string, Float32Array> | undefined =
    outputs === 'preallocated' ? new Map(order.map((p) => [p.name, new Float32Array(current.get(p.name)!.length)])) : undefined;
  let disposed = false;
  // Calls run one after another: two overlapping step() calls would otherwise both read the same parameters.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  const feeds = (): Record<string, ort.Tensor> => Object.fromEntries(order.map((p) => [p.name, f32Tensor(current.get(p.name)!, p.shape)]));
  const alive = (): void => {
    if (disposed) throw new Error('ORT step engine is disposed');
  };

  const runSteps = async (count: number): Promise<Float32Array> => {
    alive();
    if (!Number.isInteger(count) || count < 1) throw new Error(`steps(count) needs a positive integer, got ${count}`);
    const { model, session } = count === 1 ? { model: single, session: singleSession } : await loopSession();
    const input = count === 1 ? feeds() : { trip: new ort.Tensor('int64', BigInt64Array.of(BigInt(count)), []), ...feeds() };
    if (spare) {
      const target = spare;
      const fetches: Record<string, ort.Tensor | null> = { [model.losses]: null };
      for (const p of order) fetches[model.next[p.name]] = f32Tensor(target.get(p.name)!, p.shape);
      const result = await session.run(input, fetches);
      spare = current;
      current = target;
      return result[model.losses].data as Float32Array;
    }
    const result = await session.run(input);
    current = new Map(order.map((p) => [p.name, result[model.next[p.name]].data as Float32Array]));
    return result[model.losses].data as Float32Array;
  };

  const evaluate = async (): Promise<Evaluation> => {
    alive();
    const result = await evalSession.run(feeds());
    return { loss: (result.loss.data as Float32Array)[0], outputs: result.f.data as Float32Array };
  };

  return {
    name: 'onnxruntime-cpu',
    threads,
    outputs,
    steps: (count) => serial(() => runSteps(count)),
    step: () => serial(async () => (await runSteps(1))[0]),
    evaluate: () => serial(evaluate),
    readParams: () =>
      serial(async (): Promise<ParamSet> => {
        alive();
        return spec.params.map((p) => ({ name: p.name, shape: [...p.shape], values: Float32Array.from(current.get(p.name)!) }));
      }),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void queue.then(async () => {
        await Promise.all([singleSession.release(), evalSession.release(), loop?.then(({ session }) => session.release())]);
      });
    },
  };
}
