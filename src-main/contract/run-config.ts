// The run configuration: one schema shared by the CLI, the store, the IPC/web contract and the renderer's form.
// Strict objects (unknown keys are rejected) with defaults, so a saved config is always complete and replayable.
// Option lists, defaults and limits come from run-config-rules.ts (zod-free, shared with the renderer).
// Paper: Yu, Tian, Chen, "Divergence of Empirical NTK in Classification Problems", ICLR 2025.
import { z } from 'zod';
import {
  ANALYTIC_FORMS,
  ARCHS,
  BACKENDS,
  CIRCLE_LABELINGS,
  DEFAULTS,
  dynamicsProblems,
  KERNEL_MODES,
  LIMITS,
  LOSS_KINDS,
  MNIST_LABELINGS,
  MSE_TARGETS,
  NTK_IMPLEMENTATIONS,
  OPTIMIZERS,
  PARAMETERIZATIONS,
  REDUCTIONS,
  TRACE_NORMALIZATIONS,
} from './run-config-rules';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

/** Steps at which something is recorded: the union of every rule given; step 0 and the last step are always in. */
export const scheduleSchema = z
  .strictObject({
      every: posInt.optional().describe('record every N steps'),
      logSpaced: posInt.max(LIMITS.logSpaced).optional().describe('about this many log-spaced steps between 1 and the last step'),
      steps: z.array(nonNegInt).max(LIMITS.scheduleSteps).optional().describe('explicit list of steps'),
  })
  .refine((s) => s.every !== undefined || s.logSpaced !== undefined || s.steps !== undefined, {
    message: 'give at least one of every, logSpaced or steps',
  });
export type Schedule = z.infer<typeof scheduleSchema>;

export const modelSchema = z
  .strictObject({
      arch: z.enum(ARCHS),
      depth: posInt.max(LIMITS.depth).describe('L: hidden layers (FCN) or residual blocks (ResNet)'),
      width: posInt.max(LIMITS.width).optional().describe('m: one width for every hidden layer'),
      widths: z.array(posInt.max(LIMITS.width)).min(1).max(LIMITS.depth).optional().describe('FCN only: a width per hidden layer'),
      bias: z.boolean().default(DEFAULTS.model.bias).describe('FCN hidden biases, N(0,1) and trained; the paper figures are bias-free'),
      alpha: z.number().positive().max(LIMITS.alpha).optional().describe('ResNet branch scale; default 1/L'),
      parameterization: z.enum(PARAMETERIZATIONS).default(DEFAULTS.model.parameterization),
  })
  .superRefine((m, ctx) => {
    if (m.width === undefined && m.widths === undefined) ctx.addIssue({ code: 'custom', message: 'give width or widths' });
    if (m.width !== undefined && m.widths !== undefined) ctx.addIssue({ code: 'custom', message: 'give width or widths, not both' });
    if (m.widths !== undefined && m.arch === 'resnet') ctx.addIssue({ code: 'custom', message: 'ResNet blocks share one width: use width', path: ['widths'] });
    if (m.widths !== undefined && m.widths.length !== m.depth)
      ctx.addIssue({ code: 'custom', message: `widths has ${m.widths.length} entries but depth is ${m.depth}`, path: ['widths'] });
    if (m.alpha !== undefined && m.arch !== 'resnet') ctx.addIssue({ code: 'custom', message: 'alpha applies to ResNet only', path: ['alpha'] });
  });
export type ModelConfig = z.infer<typeof modelSchema>;

export const lossSchema = z.strictObject({
  kind: z.enum(LOSS_KINDS).describe('bce: one logit, ln(1+exp(-(2y-1)f)); softmax-ce: k logits; mse'),
  reduction: z.enum(REDUCTIONS).default(DEFAULTS.loss.reduction),
  targets: z.enum(MSE_TARGETS).default(DEFAULTS.loss.targets).describe('MSE targets'),
});
export type LossConfig = z.infer<typeof lossSchema>;

export const optimizerSchema = z.strictObject({
  kind: z.enum(OPTIMIZERS).default(DEFAULTS.optimizer.kind).describe('gd: full batch, one step = one epoch'),
  lr: z.number().positive().max(LIMITS.lr),
  batchSize: posInt.optional().describe('sgd only'),
  beta1: z.number().min(0).lt(1).default(DEFAULTS.optimizer.beta1),
  beta2: z.number().min(0).lt(1).default(DEFAULTS.optimizer.beta2),
  epsilon: z.number().positive().default(DEFAULTS.optimizer.epsilon),
});
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

const circleData = z.strictObject({
  kind: z.literal('circle'),
  n: posInt.max(LIMITS.smallN).default(DEFAULTS.circle.n),
  labels: z.union([z.enum(CIRCLE_LABELINGS), z.array(z.number().int().min(0).max(1))]).default(DEFAULTS.circle.labels),
});
const sphereData = z.strictObject({
  kind: z.literal('sphere'),
  n: posInt.max(LIMITS.n),
  dim: posInt.max(LIMITS.dim),
  seed: nonNegInt.optional(),
});
const blobsData = z.strictObject({
  kind: z.literal('blobs'),
  n: posInt.max(LIMITS.n),
  dim: posInt.max(LIMITS.dim),
  classes: z.number().int().min(LIMITS.classes.min).max(LIMITS.classes.max),
  spread: z.number().positive().default(DEFAULTS.blobs.spread),
  seed: nonNegInt.optional(),
});
const mnistData = z.strictObject({
  kind: z.literal('mnist'),
  n: posInt.max(LIMITS.smallN).default(DEFAULTS.mnist.n),
  labels: z.enum(MNIST_LABELINGS).default(DEFAULTS.mnist.labels),
  balanced: z.boolean().default(DEFAULTS.mnist.balanced),
  seed: nonNegInt.optional(),
});
const fileData = z.strictObject({
  kind: z.literal('file'),
  inputs: z.string().min(1).describe('.npy, .csv or .json with {"inputs": [[...]], "labels": [...]}'),
  labels: z.string().min(1).optional().describe('.npy or .csv of integer labels, when not inside inputs'),
});
export const dataSchema = z.discriminatedUnion('kind', [circleData, sphereData, blobsData, mnistData, fileData]);
export type DataConfig = z.infer<typeof dataSchema>;

export const ntkSchema = z.strictObject({
  kernel: z.enum(KERNEL_MODES).default(DEFAULTS.ntk.kernel).describe('full: (n k) x (n k) sample-major; trace: sum of the k diagonal blocks'),
  traceNormalization: z.enum(TRACE_NORMALIZATIONS).default(DEFAULTS.ntk.traceNormalization).describe('mean divides the trace by k (neural-tangents)'),
  implementation: z.enum(NTK_IMPLEMENTATIONS).default(DEFAULTS.ntk.implementation),
  analytic: z.enum(ANALYTIC_FORMS).default(DEFAULTS.ntk.analytic),
  circleSweep: nonNegInt
    .max(LIMITS.circleSweep)
    .default(DEFAULTS.ntk.circleSweep)
    .describe('Fig. 2/3: at kernel steps, K_t((1,0), (cos phi, sin phi)) on this many phi in [-pi, pi]; 2-d inputs only; 0 = off'),
});
export type NtkConfig = z.infer<typeof ntkSchema>;

export const loggingSchema = z.strictObject({
  metrics: scheduleSchema.default(() => ({ ...DEFAULTS.logging.metrics })),
  kernels: scheduleSchema.default(() => ({ ...DEFAULTS.logging.kernels })),
  trackSamples: z
    .array(nonNegInt)
    .max(LIMITS.trackSamples)
    .optional()
    .describe(`training indices whose outputs are logged; default the first ${DEFAULTS.trackedSamples}`),
  saveKernels: z.boolean().default(DEFAULTS.logging.saveKernels),
  fullSpectrumMax: posInt.max(LIMITS.fullSpectrumMax).default(DEFAULTS.logging.fullSpectrumMax).describe('full eigenvalues when the Gram has at most this many rows'),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;

export const dynamicsSchema = z.strictObject({
  analytic: z.boolean().default(DEFAULTS.dynamics.analytic).describe('kernel GD with the analytic (infinite-width) NTK, f^ntk_t'),
  linearised: z.boolean().default(DEFAULTS.dynamics.linearised).describe('the linearised network f_0 + J_0 (theta_t - theta_0), f^lin_t'),
  kernel0: z.boolean().default(DEFAULTS.dynamics.kernel0).describe('kernel GD with the frozen empirical K_0'),
});
export type DynamicsConfig = z.infer<typeof dynamicsSchema>;

export const runConfigSchema = z
  .strictObject({
    name: z.string().max(LIMITS.nameLength).optional(),
    seed: nonNegInt.max(LIMITS.seed).default(DEFAULTS.seed),
    backend: z.enum(BACKENDS).default(DEFAULTS.backend),
    steps: nonNegInt.max(LIMITS.steps),
    model: modelSchema,
    loss: lossSchema,
    optimizer: optimizerSchema,
    data: dataSchema,
    ntk: ntkSchema.default(() => ({ ...DEFAULTS.ntk })),
    logging: loggingSchema.default(() => ({
      metrics: { ...DEFAULTS.logging.metrics },
      kernels: { ...DEFAULTS.logging.kernels },
      saveKernels: DEFAULTS.logging.saveKernels,
      fullSpectrumMax: DEFAULTS.logging.fullSpectrumMax,
    })),
    // Optional without a default, so configs without it (every earlier one) parse, hash and store unchanged.
    dynamics: dynamicsSchema.optional().describe('evolve kernel-GD and linearised predictions beside the network; gaps recorded as metrics'),
  })
  .superRefine((config, ctx) => {
    for (const problem of dynamicsProblems(config)) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
