// `ntk-workbench sweep-status DIR`: where each run of a sweep folder stands (done, running, failed, missing).
import { parseArgs } from 'node:util';
import { type RunState, sweepStatus } from '../../node/sweeps/sweep-dir';
import { UsageError } from '../usage-error';

export const sweepStatusUsage = `ntk-workbench sweep-status DIR [--json]

  Lists every run of the sweep in DIR (a 'sweep --out' folder) as done, running (with its pid, host and shard),
  failed (with the reason; a run whose process died counts as failed and is rerun by its shard) or missing.
  --json prints the same as JSON.`;

const STATES: readonly RunState[] = ['done', 'running', 'failed', 'missing'];

export async function sweepStatusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } }, strict: true });
  if (positionals.length !== 1) throw new UsageError('sweep-status needs one folder', sweepStatusUsage);
  const { record, runs } = await sweepStatus(positionals[0]);
  const counts = Object.fromEntries(STATES.map((s) => [s, runs.filter((r) => r.state === s).length]));
  if (values.json) {
    const rows = runs.map((r) => ({ index: r.run.index, id: r.run.id, name: r.run.name, state: r.state, detail: r.detail ?? null }));
    process.stdout.write(`${JSON.stringify({ sweep: record.name, specId: record.specId, counts, runs: rows }, null, 2)}\n`);
    return 0;
  }
  for (const r of runs) process.stdout.write(`${String(r.run.index).padStart(5)}  ${r.run.id}  ${r.state.padEnd(7)}  ${r.run.name}${r.detail ? `  (${r.detail})` : ''}\n`);
  process.stdout.write(`sweep "${record.name}": ${STATES.map((s) => `${counts[s]} ${s}`).join(', ')} of ${runs.length} runs\n`);
  return 0;
}
