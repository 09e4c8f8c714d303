// The paper's runs as New-run presets. Single runs are the example configs themselves (examples/*.json, bundled
// at build time, so a preset can never drift from the file the CLI runs); sweeps start one run per combination,
// expanded by the same code as the CLI's sweep specs.
// Paper: Yu, Tian, Chen, ICLR 2025 (arXiv 2504.11130), Fig. 1-4.
import type { RunConfigInput } from '../../../src-main/contract/run-config';
import { expandSweep, type PlannedRun, type SweepPlan } from '../../../src-main/contract/sweep-expansion';
import fig1Json from '../../../examples/fig1.json';
import fig1SmallJson from '../../../examples/fig1-small.json';
import fig1MseJson from '../../../examples/fig1-mse.json';
import fig3Json from '../../../examples/fig3.json';
import fig4MnistJson from '../../../examples/fig4-mnist.json';
import fig4MnistSmallJson from '../../../examples/fig4-mnist-small.json';
import resnetCircleJson from '../../../examples/resnet-circle.json';
import blobsSoftmaxJson from '../../../examples/blobs-softmax.json';
import dynamicsSmallJson from '../../../examples/dynamics-small.json';

/** Values a sweep crosses; every combination becomes one run. Empty lists keep the base config's value. */
export interface Sweep {
  widths: number[];
  losses: RunConfigInput['loss']['kind'][];
  seeds: number[];
}

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** What the researcher will see, and roughly how long it takes on a laptop-class CPU. */
  readonly description: string;
  readonly config: RunConfigInput;
  readonly sweep?: Sweep;
}

// JSON imports widen literal unions to string; test/renderer/presets.test.ts validates every preset against the schema.
const asConfig = (json: unknown): RunConfigInput => json as RunConfigInput;

const fig1Small = asConfig(fig1SmallJson);

export const PRESETS: readonly Preset[] = [
  {
    id: 'fig1-small',
    title: 'Fig. 1 (small)',
    description: 'Outputs f_t(x_i) diverge linearly in log t under cross-entropy. m = 256, 2,000 steps: about 10 s.',
    config: fig1Small,
  },
  {
    id: 'fig1',
    title: 'Fig. 1',
    description: 'The paper\'s Fig. 1: FCN, 3 hidden layers, m = 2000, six points on the circle, lr 0.1, 10⁴ full-batch steps. Minutes.',
    config: asConfig(fig1Json),
  },
  {
    id: 'fig2',
    title: 'Fig. 2: width sweep at init',
    description: 'The NTK on the circle, K₀((1,0), (cos φ, sin φ)), at initialisation for m = 200, 1000, 2000 (three runs of 0 steps). Compare them with "Circle sweep".',
    config: {
      ...fig1Small,
      name: 'Fig. 2: NTK at init on the circle',
      steps: 0,
      model: { ...fig1Small.model, width: 2000 },
      ntk: { ...fig1Small.ntk, circleSweep: 201 },
      logging: { ...fig1Small.logging, metrics: { steps: [0] }, kernels: { steps: [0] } },
    },
    sweep: { widths: [200, 1000, 2000], losses: [], seeds: [] },
  },
  {
    id: 'fig3-small',
    title: 'Fig. 3 (small)',
    description: 'The NTK on the circle moves during long CE training: sweeps at steps 0, 10³, 2·10⁴ for m = 256. About a minute.',
    config: {
      ...fig1Small,
      name: 'Fig. 3 at a small scale: the NTK on the circle moves (m = 256)',
      steps: 20_000,
      ntk: { ...fig1Small.ntk, circleSweep: 201 },
      logging: { ...fig1Small.logging, metrics: { logSpaced: 200 }, kernels: { steps: [0, 1000, 20_000], logSpaced: 12 } },
    },
  },
  {
    id: 'fig3',
    title: 'Fig. 3',
    description: 'The paper\'s Fig. 3: m = 2000, CE, sweeps at steps 0, 10⁴ and 2·10⁵. Hours on a CPU.',
    config: asConfig(fig3Json),
  },
  {
    id: 'fig4-mnist-small',
    title: 'Fig. 4: MNIST (small)',
    description: 'MNIST parity on 200 balanced digits, m = 256, lr 0.5, 2,000 steps; K_t(x_i, x_i) for three samples. About a minute.',
    config: asConfig(fig4MnistSmallJson),
  },
  {
    id: 'fig4-mnist',
    title: 'Fig. 4: MNIST (paper scale)',
    description: 'The paper\'s Fig. 4: 1000 digits, m = 500, lr 0.5, 10⁵ steps. Hours; kernels are not stored (1000 × 1000), spectra are.',
    config: asConfig(fig4MnistJson),
  },
  {
    id: 'ce-vs-mse',
    title: 'CE vs MSE width sweep',
    description: 'Our contrast: the same net under cross-entropy and MSE (±1 targets) at m = 64, 256, 1024 (six runs). Compare sup_t max|K_t − K| against width: it shrinks for MSE, not for CE.',
    config: {
      ...fig1Small,
      name: 'CE vs MSE width sweep',
      loss: { kind: 'bce', reduction: 'mean', targets: 'plus-minus' },
      ntk: { ...fig1Small.ntk, circleSweep: 0 },
    },
    sweep: { widths: [64, 256, 1024], losses: ['bce', 'mse'], seeds: [] },
  },
  {
    id: 'fig1-mse',
    title: 'Fig. 1 under MSE',
    description: 'Fig. 1\'s network and data with MSE: the lazy regime, where outputs settle and the kernel barely moves. Minutes.',
    config: asConfig(fig1MseJson),
  },
  {
    id: 'dynamics-small',
    title: 'NTK dynamics (small)',
    description: 'The network beside kernel GD with the analytic kernel and with K₀, and beside its linearisation, under CE (m = 256, 2,000 steps): the gaps grow in t. Under a minute.',
    config: asConfig(dynamicsSmallJson),
  },
  {
    id: 'resnet-circle',
    title: 'ResNet on the circle',
    description: 'ResNet (eq. 2.2), 2 blocks, m = 512, α = 0.5, on the six circle points under CE.',
    config: asConfig(resnetCircleJson),
  },
  {
    id: 'blobs-softmax',
    title: 'Softmax CE, 3 blobs',
    description: 'Multi-class extension: k = 3 logits, the full (n k) × (n k) kernel, Adam.',
    config: asConfig(blobsSoftmaxJson),
  },
];

/**
 * The form's sweep as the one sweep expansion's plan (contract/sweep-expansion.ts): widths on model.width (a per-layer
 * widths list gives way to them), losses on loss.kind, then seeds, the last varying fastest.
 */
export function sweepPlanOf(base: RunConfigInput, sweep: Sweep | undefined): SweepPlan {
  const widths = sweep?.widths ?? [];
  const { widths: _perLayer, ...model } = base.model;
  return {
    base: widths.length > 0 ? { ...base, model } : base,
    axes: { 'model.width': widths, 'loss.kind': sweep?.losses ?? [] },
    seeds: sweep?.seeds ?? [],
  };
}

/** The runs the form starts: the expansion's, plus a tag shared by the whole sweep when it has more than one run. */
export function plannedRuns(base: RunConfigInput, sweep: Sweep | undefined, sweepTag: string): PlannedRun[] {
  const runs = expandSweep(sweepPlanOf(base, sweep));
  return runs.length > 1 ? runs.map((run) => ({ ...run, tags: [sweepTag, ...run.tags] })) : runs;
}

/** The form's sweep as a sweep spec (contract/sweep-spec.ts), for the Slurm export: the host expands it the same way. */
export function sweepSpecOf(base: RunConfigInput, sweep: Sweep | undefined): Record<string, unknown> {
  const plan = sweepPlanOf(base, sweep);
  const axes = Object.fromEntries(Object.entries(plan.axes ?? {}).filter(([, values]) => values.length > 0));
  return { ...(base.name ? { name: base.name } : {}), base: plan.base, axes, ...(plan.seeds?.length ? { seeds: plan.seeds } : {}) };
}
