// Stores a checkpoint-series drift as a run of kind "import", laid out like training runs for numpy/pandas users:
// config.json (kind, probe, kernel, model), drift.jsonl (one line per checkpoint) and summary.json.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../../../contract/result';
import { writeFileAtomic } from '../../atomic-write';
import { toJson } from '../../run-output/run-writer';
import type { DriftReport } from './checkpoint-drift';

/** `timings`: the series' seconds per stage (contract/stage-timings.ts) and total, kept in summary.json. */
export async function writeImportRun(dir: string, report: DriftReport, meta: Record<string, unknown> = {}, timings?: Record<string, number>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CodedError('io/failed', `cannot create output folder ${dir}: ${(error as Error).message}`);
  }
  const config = { kind: 'import', kernel: report.kernel, probe: report.probe, model: report.model, files: report.entries.map((e) => e.file), ...meta };
  await writeFileAtomic(join(dir, 'config.json'), `${toJson(config, 2)}\n`);
  await writeFileAtomic(join(dir, 'drift.jsonl'), report.entries.map((e) => `${toJson(e)}\n`).join(''));
  const last = report.entries[report.entries.length - 1];
  await writeFileAtomic(join(dir, 'summary.json'), `${toJson({ kind: 'import', checkpoints: report.entries.length, finalStep: last?.step, finalRelDrift: last?.relDrift, timings }, 2)}\n`);
}
