// The sweep spec: one JSON file = a base run config + axes (config path -> values) + seeds. Strict like run configs;
// each expanded run is checked against the run-config schema when the spec is resolved (node/sweeps/resolve-sweep.ts).
// The expansion itself is sweep-expansion.ts, shared with the New-run form.
import { z } from 'zod';
import type { Json } from './stable-hash';

/** Sweeps larger than this are refused: a typo like `"width": [1..100000]` should not queue a hundred thousand runs. */
export const MAX_SWEEP_RUNS = 100_000;

const configPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, { message: 'an axis is a dotted config path such as model.width' });

const jsonValue: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional().describe('runs are named "<name> [path=value, ...]"; default base.name'),
    base: z.record(z.string(), z.unknown()).describe('the run config every run starts from'),
    axes: z.record(configPath, z.array(jsonValue).min(1).max(10_000)).default({}).describe('config path -> values; every combination is one run'),
    seeds: z.array(z.number().int().nonnegative().max(2 ** 31)).min(1).max(10_000).optional().describe('crossed innermost'),
  })
  .superRefine((spec, ctx) => {
    if (spec.seeds && 'seed' in spec.axes) ctx.addIssue({ code: 'custom', message: 'give seeds or an axis on seed, not both', path: ['seeds'] });
    for (const [path, values] of Object.entries(spec.axes)) {
      const seen = new Set<string>();
      values.forEach((value, i) => {
        const key = JSON.stringify(value);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `the value ${key} is listed twice`, path: ['axes', path, i] });
        seen.add(key);
      });
    }
    if (spec.seeds && new Set(spec.seeds).size !== spec.seeds.length) ctx.addIssue({ code: 'custom', message: 'a seed is listed twice', path: ['seeds'] });
    const count = Object.values(spec.axes).reduce((n, values) => n * values.length, spec.seeds?.length ?? 1);
    if (count > MAX_SWEEP_RUNS) ctx.addIssue({ code: 'custom', message: `the sweep expands to ${count} runs; at most ${MAX_SWEEP_RUNS}`, path: ['axes'] });
  });
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
export type SweepSpec = z.infer<typeof sweepSpecSchema>;

/** Options of the sbatch script a sweep is handed to Slurm with (CLI `sweep --slurm`, the app's Slurm export). */
export const slurmOptionsSchema = z.strictObject({
  shards: z.number().int().min(1).max(100_000).optional().describe('array tasks; default one per run'),
  maxRunning: z.number().int().min(1).max(100_000).optional().describe('the %max of --array: tasks running at once'),
  partition: z.string().regex(/^[A-Za-z0-9_.,-]{1,64}$/).optional(),
  time: z.string().regex(/^[0-9:-]{1,20}$/, { message: 'a Slurm time such as 2:00:00 or 1-12:00:00' }).optional(),
  cpusPerTask: z.number().int().min(1).max(1024).optional(),
  mem: z.string().regex(/^[0-9]+[KMGT]?$/, { message: 'a Slurm memory size such as 4G' }).optional(),
  jobs: z.number().int().min(1).max(1024).optional().describe('runs at once inside one task (--jobs)'),
});
export type SlurmOptions = z.infer<typeof slurmOptionsSchema>;
