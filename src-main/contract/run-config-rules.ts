// The run config's rules as plain values, free of zod: option lists, defaults, limits, how many outputs a loss
// gives the network and how many parameters it trains. run-config.ts builds its schema from these, and the
// renderer's New-run form imports them directly (the layering lint allows this module), so neither keeps a copy.
// Paper: Yu, Tian, Chen, "Divergence of Empirical NTK in Classification Problems", ICLR 2025 (eqs. 2.1, 2.2).

export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export const ARCHS = ['fcn', 'resnet'] as const;
export const PARAMETERIZATIONS = ['ntk', 'standard'] as const;
export const LOSS_KINDS = ['bce', 'softmax-ce', 'mse'] as const;
export const REDUCTIONS = ['mean', 'sum'] as const;
export const MSE_TARGETS = ['zero-one', 'plus-minus', 'one-hot'] as const;
export const OPTIMIZERS = ['gd', 'sgd', 'adam'] as const;
export const DATA_KINDS = ['circle', 'sphere', 'blobs', 'mnist', 'file'] as const;
export const CIRCLE_LABELINGS = ['alternating', 'halves'] as const;
export const MNIST_LABELINGS = ['parity', 'digit'] as const;
export const KERNEL_MODES = ['full', 'trace'] as const;
export const TRACE_NORMALIZATIONS = ['sum', 'mean'] as const;
export const NTK_IMPLEMENTATIONS = ['structured', 'generic'] as const;
export const ANALYTIC_FORMS = ['derived', 'printed', 'none'] as const;
/**
 * What a run may evolve beside the network (core/train/dynamics.ts): kernel GD with the analytic kernel, the
 * linearised network f_0 + J_0 (theta_t - theta_0), and kernel GD with the frozen empirical K_0.
 */
export const DYNAMICS_PARTS = ['analytic', 'linearised', 'kernel0'] as const;

export type Backend = (typeof BACKENDS)[number];
export type Arch = (typeof ARCHS)[number];
export type LossKind = (typeof LOSS_KINDS)[number];
export type MseTargets = (typeof MSE_TARGETS)[number];
export type KernelMode = (typeof KERNEL_MODES)[number];
export type DynamicsPart = (typeof DYNAMICS_PARTS)[number];

/** Inclusive bounds the schema enforces (and the form checks while typing). */
export const LIMITS = {
  nameLength: 200,
  seed: 2 ** 31,
  steps: 100_000_000,
  depth: 64,
  width: 65_536,
  alpha: 100,
  lr: 1e4,
  /** circle and mnist n */
  smallN: 10_000,
  /** sphere and blobs n */
  n: 100_000,
  dim: 10_000,
  classes: { min: 2, max: 1000 },
  circleSweep: 4001,
  fullSpectrumMax: 4096,
  logSpaced: 100_000,
  scheduleSteps: 100_000,
  trackSamples: 1000,
} as const;

/** Values the schema fills in for options a config leaves out. */
export const DEFAULTS = {
  seed: 0,
  backend: 'auto',
  model: { bias: false, parameterization: 'ntk' },
  loss: { reduction: 'mean', targets: 'zero-one' },
  optimizer: { kind: 'gd', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  circle: { n: 6, labels: 'alternating' },
  blobs: { spread: 0.5 },
  mnist: { n: 1000, labels: 'parity', balanced: true },
  ntk: { kernel: 'full', traceNormalization: 'sum', implementation: 'structured', analytic: 'derived', circleSweep: 0 },
  logging: { metrics: { logSpaced: 200 }, kernels: { logSpaced: 30 }, saveKernels: true, fullSpectrumMax: 512 },
  /** Each part of the optional `dynamics` block; an absent block is all false. */
  dynamics: { analytic: false, linearised: false, kernel0: false },
  /** Without logging.trackSamples, the first this many training samples are tracked. */
  trackedSamples: 16,
} as const;

/** Pixels of one MNIST digit (28 x 28), the input dimension of mnist data. */
export const MNIST_INPUT_DIM = 784;

/** The parts of a model config the rules read (a RunConfig's or its input form's `model`). */
export interface ModelShape {
  readonly arch: Arch;
  readonly depth: number;
  readonly width?: number;
  readonly widths?: readonly number[];
  readonly bias?: boolean;
}

/** The parts of a loss config the rules read. */
export interface LossShape {
  readonly kind: LossKind;
  readonly targets?: MseTargets;
}

/** The parts of a data config the rules read. */
export type DataShape =
  | { readonly kind: 'circle'; readonly n?: number }
  | { readonly kind: 'sphere'; readonly n: number; readonly dim: number }
  | { readonly kind: 'blobs'; readonly n: number; readonly dim: number; readonly classes: number }
  | { readonly kind: 'mnist'; readonly n?: number; readonly labels?: (typeof MNIST_LABELINGS)[number] }
  | { readonly kind: 'file' };

/** Samples n, input dimension d and label classes of a dataset. */
export interface DatasetSize {
  readonly n: number;
  readonly d: number;
  readonly classes: number;
}

/** n, d and classes a data config gives, when the config alone tells (file data: null; known once loaded). */
export function datasetSizeOf(data: DataShape): DatasetSize | null {
  switch (data.kind) {
    case 'circle':
      return { n: data.n ?? DEFAULTS.circle.n, d: 2, classes: 2 };
    case 'sphere':
      return { n: data.n, d: data.dim, classes: 2 };
    case 'blobs':
      return { n: data.n, d: data.dim, classes: data.classes };
    case 'mnist':
      return { n: data.n ?? DEFAULTS.mnist.n, d: MNIST_INPUT_DIM, classes: (data.labels ?? DEFAULTS.mnist.labels) === 'digit' ? 10 : 2 };
    case 'file':
      return null;
  }
}

/** bce and mse with 0/1 or +/-1 targets train one logit on binary labels; softmax-ce and one-hot mse train k. */
export function lossNeedsBinaryLabels(loss: LossShape): boolean {
  return loss.kind === 'bce' || (loss.kind === 'mse' && (loss.targets ?? DEFAULTS.loss.targets) !== 'one-hot');
}

/** Why this loss cannot train on labels with `classes` classes, or null. */
export function lossLabelsProblem(loss: LossShape, classes: number): string | null {
  if (!lossNeedsBinaryLabels(loss) || classes === 2) return null;
  const targets = loss.kind === 'mse' ? ` with ${loss.targets ?? DEFAULTS.loss.targets} targets` : '';
  return `loss ${loss.kind}${targets} needs binary labels, but the data has ${classes} classes; use softmax-ce or mse with one-hot targets`;
}

/** Network outputs k for a loss on labels with `classes` classes: 1 for one-logit losses, else `classes`. */
export function outputsFor(loss: LossShape, classes: number): number {
  return lossNeedsBinaryLabels(loss) ? 1 : classes;
}

/** Hidden widths of the model, or null when the config does not give them as positive numbers. */
export function hiddenWidths(model: ModelShape): number[] | null {
  const widths = model.arch === 'fcn' && model.widths !== undefined ? [...model.widths] : Array.from({ length: model.depth }, () => model.width ?? NaN);
  return widths.length > 0 && widths.every((w) => Number.isInteger(w) && w > 0) ? widths : null;
}

/**
 * Trained parameters P of the configured network (core/models/architecture.ts lays them out; its tests check this
 * count against the initialised parameters). FCN: d m1 + ... + m_L k, plus m_l per hidden layer with biases; the
 * readout has no bias. ResNet: the input map with b0, per block W_l, b_l, V_l, d_l, then the readout.
 * Null when depth or widths are not positive whole numbers.
 */
export function paramCountFor(model: ModelShape, inputDim: number, outputs: number): number | null {
  const widths = Number.isInteger(model.depth) && model.depth > 0 ? hiddenWidths(model) : null;
  if (widths === null) return null;
  if (model.arch === 'resnet') {
    const m = widths[0];
    return inputDim * m + m + model.depth * 2 * (m * m + m) + m * outputs;
  }
  let count = 0;
  let previous = inputDim;
  for (const w of widths) {
    count += previous * w + (model.bias ? w : 0);
    previous = w;
  }
  return count + previous * outputs;
}

/** The parts of a run config the dynamics rules read. */
export interface DynamicsConfigShape {
  readonly dynamics?: { readonly [P in DynamicsPart]?: boolean };
  readonly optimizer: { readonly kind?: (typeof OPTIMIZERS)[number] };
  readonly model: { readonly parameterization?: (typeof PARAMETERIZATIONS)[number] };
  readonly ntk?: { readonly analytic?: (typeof ANALYTIC_FORMS)[number] };
}

/** The dynamics parts a config enables, in DYNAMICS_PARTS order (none without a `dynamics` block). */
export function dynamicsPartsOf(config: Pick<DynamicsConfigShape, 'dynamics'>): DynamicsPart[] {
  return DYNAMICS_PARTS.filter((part) => config.dynamics?.[part] ?? DEFAULTS.dynamics[part]);
}

/**
 * Why the config's dynamics block cannot run, as a path and a message per problem (none when it can). Kernel GD is
 * the continuous-time limit of full-batch GD only, so SGD and Adam are refused; the analytic part needs the analytic
 * kernel, which exists for the NTK parameterisation with ntk.analytic 'derived' or 'printed'.
 */
export function dynamicsProblems(config: DynamicsConfigShape): { path: string[]; message: string }[] {
  const parts = dynamicsPartsOf(config);
  const problems: { path: string[]; message: string }[] = [];
  if (parts.length === 0) return problems;
  const optimizer = config.optimizer.kind ?? DEFAULTS.optimizer.kind;
  if (optimizer !== 'gd')
    problems.push({ path: ['dynamics'], message: `the dynamics comparison follows full-batch gradient descent; optimizer ${optimizer} has no kernel-GD counterpart: use optimizer.kind "gd"` });
  if (parts.includes('analytic')) {
    if ((config.ntk?.analytic ?? DEFAULTS.ntk.analytic) === 'none')
      problems.push({ path: ['dynamics', 'analytic'], message: 'dynamics.analytic needs the analytic kernel, but ntk.analytic is "none": set it to "derived" or "printed"' });
    else if ((config.model.parameterization ?? DEFAULTS.model.parameterization) !== 'ntk')
      problems.push({ path: ['dynamics', 'analytic'], message: 'dynamics.analytic needs the analytic kernel, which exists for the NTK parameterisation only' });
  }
  return problems;
}
