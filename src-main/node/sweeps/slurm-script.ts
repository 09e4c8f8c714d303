// The sbatch script that runs a sweep as a Slurm job array: task i of N runs `sweep SPEC --out DIR --shard i/N`,
// so the array, a loop of shards on one machine and a single process all share one run folder layout and resume
// the same way. Paths may be relative: the script starts in the submit directory (SLURM_SUBMIT_DIR).
import type { SlurmOptions } from '../../contract/sweep-spec';

export interface SbatchInput {
  readonly sweepName: string;
  readonly runCount: number;
  readonly specPath: string;
  readonly outDir: string;
  /** Folder of the per-task logs (must exist before submission: Slurm does not create it). */
  readonly logDir: string;
  /** How to start the workbench CLI on the cluster, e.g. [node, .../bin/ntk-workbench.js]; NTK_WORKBENCH overrides it. */
  readonly command: readonly string[];
  readonly options: SlurmOptions;
}

/** Single-quoted for bash. */
export const shellQuote = (text: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

export function arrayTasks(input: Pick<SbatchInput, 'runCount' | 'options'>): number {
  return Math.max(1, Math.min(input.options.shards ?? input.runCount, input.runCount));
}

export function sbatchScript(input: SbatchInput): string {
  const { options } = input;
  const tasks = arrayTasks(input);
  const maxRunning = Math.min(options.maxRunning ?? tasks, tasks);
  const jobs = options.jobs ?? options.cpusPerTask ?? 1;
  const jobName = `ntk-${input.sweepName.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40)}`;
  const directives = [
    `--job-name=${jobName}`,
    `--array=0-${tasks - 1}%${maxRunning}`,
    `--output=${input.logDir}/%A_%a.out`,
    options.partition && `--partition=${options.partition}`,
    options.time && `--time=${options.time}`,
    options.cpusPerTask && `--cpus-per-task=${options.cpusPerTask}`,
    options.mem && `--mem=${options.mem}`,
  ].filter((d): d is string => typeof d === 'string' && d !== '');
  const cli = input.command.map(shellQuote).join(' ');
  return [
    '#!/bin/bash',
    `# ntk-workbench sweep "${input.sweepName.replace(/[\r\n]/g, ' ')}": ${input.runCount} runs in ${tasks} array tasks; task i runs shard i/${tasks}.`,
    '# A task that is requeued or resubmitted skips the runs already completed in the output folder.',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -euo pipefail',
    'cd "${SLURM_SUBMIT_DIR:-.}"',
    `workbench=(${cli})`,
    '# NTK_WORKBENCH="ntk-workbench" (or another command) replaces the line above, e.g. where the cluster installs it elsewhere.',
    'if [[ -n "${NTK_WORKBENCH:-}" ]]; then read -r -a workbench <<<"$NTK_WORKBENCH"; fi',
    `exec "\${workbench[@]}" sweep ${shellQuote(input.specPath)} --out ${shellQuote(input.outDir)} --shard "\${SLURM_ARRAY_TASK_ID}/${tasks}" --jobs ${jobs} --quiet`,
    '',
  ].join('\n');
}
