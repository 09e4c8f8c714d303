// The config of an import run (a checkpoint series and a probe set): one schema for the `imports:start` request,
// the stored run and the worker that loads it. Defaults fill what the request leaves out.
import { z } from 'zod';
import { KERNEL_MODES } from './run-config-rules';

const filePath = z.string().min(1).max(4096);

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
});
export type ImportConfigInput = z.input<typeof importConfigSchema>;
export type ImportConfig = z.infer<typeof importConfigSchema>;
