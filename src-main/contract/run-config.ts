// The run configuration: one schema shared by the CLI, the store, the IPC/web contract and the renderer's form.
// Strict objects (unknown keys are rejected) with defaults, so a saved config is always complete and replayable.
// Paper: Yu, Tian, Chen, "Divergence of Empirical NTK in Classification Problems", ICLR 2025.
import { z } from 'zod';
import { KERNEL_MODES } from './run-config-rules';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

/** Steps at which something is recorded: the union of every rule given; step 0 and the last step are always in. */
export const scheduleSchema = z
  .strictObject({
    every: posInt.optional().describe('record every N steps'),
    logSpaced: posInt.max(100_000).optional().describe('about this many log-spaced steps between 1 and the last step'),
    steps: z.array(nonNegInt).max(100_000).optional().describe('explicit list of steps'),
  })
  .refine((s) => s.every !== undefined || s.logSpaced !== undefined || s.steps !== undefined, {
    message: 'give at least one of every, logSpaced or steps',
  });
export type Schedule = z.infer<typeof scheduleSchema>;

export const modelSchema = z
  .strictObject({
    arch: z.enum(['fcn', 'resnet']),
    depth: posInt.max(64).describe('L: hidden layers (FCN) or residual blocks (ResNet)'),
    width: posInt.max(65_536).optional().describe('m: one width for every hidden layer'),
    widths: z.array(posInt.max(65_536)).min(1).max(64).optional().describe('FCN only: a width per hidden layer'),
    bias: z.boolean().default(false).describe('FCN hidden biases, N(0,1) and trained; the paper figures are bias-free'),
    alpha: z.number().positive().max(100).optional().describe('ResNet branch scale; default 1/L'),
    parameterization: z.enum(['ntk', 'standard']).default('ntk'),
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
  kind: z.enum(['bce', 'softmax-ce', 'mse']).describe('bce: one logit, ln(1+exp(-(2y-1)f)); softmax-ce: k logits; mse'),
  reduction: z.enum(['mean', 'sum']).default('mean'),
  targets: z.enum(['zero-one', 'plus-minus', 'one-hot']).default('zero-one').describe('MSE targets'),
});
export type LossConfig = z.infer<typeof lossSchema>;

export const optimizerSchema = z.strictObject({
  kind: z.enum(['gd', 'sgd', 'adam']).default('gd').describe('gd: full batch, one step = one epoch'),
  lr: z.number().positive().max(1e4),
  batchSize: posInt.optional().describe('sgd only'),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
});
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

const circleData = z.strictObject({
  kind: z.literal('circle'),
  n: posInt.max(10_000).default(6),
  labels: z.union([z.enum(['alternating', 'halves']), z.array(z.number().int().min(0).max(1))]).default('alternating'),
});
const sphereData = z.strictObject({
  kind: z.literal('sphere'),
  n: posInt.max(100_000),
  dim: posInt.max(10_000),
  seed: nonNegInt.optional(),
});
const blobsData = z.strictObject({
  kind: z.literal('blobs'),
  n: posInt.max(100_000),
  dim: posInt.max(10_000),
  classes: z.number().int().min(2).max(1000),
  spread: z.number().positive().default(0.5),
  seed: nonNegInt.optional(),
});
const mnistData = z.strictObject({
  kind: z.literal('mnist'),
  n: posInt.max(10_000).default(1000),
  labels: z.enum(['parity', 'digit']).default('parity'),
  balanced: z.boolean().default(true),
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
  kernel: z.enum(KERNEL_MODES).default('full').describe('full: (n k) x (n k) sample-major; trace: sum of the k diagonal blocks'),
  traceNormalization: z.enum(['sum', 'mean']).default('sum').describe('mean divides the trace by k (neural-tangents)'),
  implementation: z.enum(['structured', 'generic']).default('structured'),
  analytic: z.enum(['derived', 'printed', 'none']).default('derived'),
  circleSweep: nonNegInt
    .max(4001)
    .default(0)
    .describe('Fig. 2/3: at kernel steps, K_t((1,0), (cos phi, sin phi)) on this many phi in [-pi, pi]; 2-d inputs only; 0 = off'),
});
export type NtkConfig = z.infer<typeof ntkSchema>;

export const loggingSchema = z.strictObject({
  metrics: scheduleSchema.default({ logSpaced: 200 }),
  kernels: scheduleSchema.default({ logSpaced: 30 }),
  trackSamples: z.array(nonNegInt).max(1000).optional().describe('training indices whose outputs are logged; default the first 16'),
  saveKernels: z.boolean().default(true),
  fullSpectrumMax: posInt.max(4096).default(512).describe('full eigenvalues when the Gram has at most this many rows'),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;

export const runConfigSchema = z.strictObject({
  name: z.string().max(200).optional(),
  seed: nonNegInt.max(2 ** 31).default(0),
  backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  steps: nonNegInt.max(100_000_000),
  model: modelSchema,
  loss: lossSchema,
  optimizer: optimizerSchema,
  data: dataSchema,
  ntk: ntkSchema.default({ kernel: 'full', traceNormalization: 'sum', implementation: 'structured', analytic: 'derived', circleSweep: 0 }),
  logging: loggingSchema.default({
    metrics: { logSpaced: 200 },
    kernels: { logSpaced: 30 },
    saveKernels: true,
    fullSpectrumMax: 512,
  }),
});
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
