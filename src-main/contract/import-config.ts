// The config of an import run (a checkpoint series and a probe set): one schema for the `imports:start` request,
// the stored run and the worker that loads it. Defaults fill what the request leaves out.
import { z } from 'zod';
import { KERNEL_MODES } from './run-config-rules';
import { memoryBudgetProblem } from './run-memory';

const filePath = z.string().min(1).max(4096);

/** Dtypes a blocked kernel file may hold (node/kernel-file/npy-block-file.ts). */
export const KERNEL_FILE_DTYPES = ['float64', 'float32'] as const;

const memoryBudget = z.union([
  z.string().max(64).superRefine((text, ctx) => {
    const problem = memoryBudgetProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  z.number().int().min(2 ** 20).max(2 ** 50),
]);

/**
 * A dataset-scale kernel: each checkpoint's kernel computed in blocks sized to `memory` into a .npy under
 * <workspace>/kernels/run-<id>/ (never into the store), its spectrum read back from the file in blocks.
 */
export const blockedKernelSchema = z.strictObject({
  memory: memoryBudget.optional().describe("bytes the worker may hold ('2GB', '512MiB' or a number); default what it holds plus 3/4 of the host's free memory"),
  blockSize: z.number().int().min(1).max(1_000_000).optional().describe('samples per block instead of the budget\'s choice'),
  dtype: z.enum(KERNEL_FILE_DTYPES).default('float64'),
  spectrumTop: z.number().int().min(1).max(256).default(16).describe('largest eigenvalues to keep per checkpoint'),
  resumeFrom: z.number().int().positive().optional().describe("a cancelled, failed or interrupted blocked run whose kernel files this run continues (imports:resume sets it)"),
});

export const importConfigSchema = z.strictObject({
  models: z.array(filePath).min(1).max(10_000).describe('model files or folders of them, on the host (stored runs list the files)'),
  probe: filePath.describe('a .json/.npy/.csv probe file, or mnist:N[:seed]'),
  kernel: z.enum(KERNEL_MODES).default('trace'),
  freeze: z.array(z.string().min(1).max(512)).max(10_000).optional(),
  keepSoftmax: z.boolean().default(false),
  bind: z
    .record(z.string().min(1).max(512), z.union([z.string().min(1).max(4096), z.number().finite()]))
    .optional()
    .describe('values for the other graph inputs: zeros, a number, or a host .json/.npy/.csv file with the tensor'),
  inputName: z.string().min(1).max(512).optional().describe('the graph input that takes the probe samples (default the first unbound one)'),
  steps: z.array(z.number().int().nonnegative()).max(10_000).optional().describe('the training step of each checkpoint, in the order of the files; default from the file names'),
  blocked: blockedKernelSchema.optional(),
});
export type ImportConfigInput = z.input<typeof importConfigSchema>;
export type ImportConfig = z.infer<typeof importConfigSchema>;
