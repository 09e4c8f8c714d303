// CLI start-up: whole-process seconds of `ntk-workbench --help`, the built CLI (out/main/cli.js, used by the bin
// when fresh) beside the tsx fallback, and bare `node -e 0` as the floor. Median of several child processes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchEnv } from '../bin/process-tuning.js';
import { medianSeconds, type Row } from './measure';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/ntk-workbench.js', import.meta.url));
const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));

async function processSeconds(args: string[], env: Record<string, string> = {}): Promise<number> {
  const { median } = await medianSeconds(() => run(process.execPath, args, { env: { ...launchEnv(), ...env } }), { warmupSeconds: 0, minRuns: 7, budgetSeconds: 3 });
  return median;
}

export async function benchCliStartup(): Promise<Row[]> {
  const rows: Row[] = [{ section: 'CLI start-up', case: 'node -e 0 (floor)', engine: 'node', seconds: await processSeconds(['-e', '0']) }];
  rows.push({ section: 'CLI start-up', case: '--help', engine: 'tsx (bare checkout)', seconds: await processSeconds([bin, '--help'], { NTK_CLI_SOURCE: '1' }) });
  if (existsSync(built)) rows.push({ section: 'CLI start-up', case: '--help', engine: 'bin (built when fresh)', seconds: await processSeconds([bin, '--help']), note: 'target < 0.3 s' });
  else rows.push({ section: 'CLI start-up', case: '--help', engine: 'built', note: 'skipped: run npm run build first' });
  return rows;
}
