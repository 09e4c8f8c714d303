// Folds run folders into a workspace project: a sweep's output folder (every run listed in its sweep.json) or a
// single `train --out` folder. Idempotent: each run carries a `sweep-run:<id>` tag and one with that tag already in
// the project is skipped, checked and inserted in one transaction, so two merges at once never add a run twice.
// Incomplete runs refuse the whole merge unless `partial`, which merges the completed ones and reports the rest.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../../contract/result';
import { runIdOf } from '../../contract/sweep-expansion';
import { parseRunConfig } from '../config-file';
import type { Store } from '../store/store';
import type { RunId } from '../store/types';
import { readRunFolder } from './read-run-folder';
import { MARKER_FILE, type RunMarker, runDir, type RunStatus, readSweepRecord, sweepStatus } from './sweep-dir';

export const MERGE_KEY_PREFIX = 'sweep-run:';
const SWEEP_TAG_PREFIX = 'sweep:';

interface Candidate {
  readonly folder: string;
  readonly id: string;
  readonly name?: string;
  readonly tags: readonly string[];
  readonly sweepName?: string;
  /** Why it cannot be merged yet (not done); undefined when it is complete. */
  readonly incomplete?: string;
}

export interface MergeOptions {
  /** Project name; default the first sweep's name, else 'Merged runs'. */
  readonly project?: string;
  readonly partial?: boolean;
}

export interface MergeResult {
  readonly projectId: number;
  readonly projectName: string;
  readonly added: { readonly id: string; readonly runId: RunId; readonly name: string }[];
  /** Already in the project from an earlier merge. */
  readonly present: { readonly id: string; readonly runId: RunId }[];
  /** Incomplete runs left out (only with partial). */
  readonly leftOut: { readonly id: string; readonly folder: string; readonly reason: string }[];
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

const describeState = (status: RunStatus): string => `${status.state}${status.detail ? ` (${status.detail})` : ''}`;

async function candidatesIn(dir: string): Promise<Candidate[]> {
  if (await readSweepRecord(dir)) {
    const { record, runs } = await sweepStatus(dir);
    return runs.map((status) => ({
      folder: runDir(dir, status.run.id),
      id: status.run.id,
      name: status.run.name,
      tags: [...status.run.tags, `${SWEEP_TAG_PREFIX}${record.name}`.slice(0, 100)],
      sweepName: record.name,
      incomplete: status.state === 'done' ? undefined : describeState(status),
    }));
  }
  if (!(await exists(join(dir, 'config.json')))) throw new CodedError('data/not-found', `${dir} is neither a sweep folder (sweep.json) nor a run folder (config.json)`);
  const marker = await readFile(join(dir, MARKER_FILE), 'utf8').then(
    (text) => JSON.parse(text) as RunMarker,
    () => undefined,
  );
  const summary = await readFile(join(dir, 'summary.json'), 'utf8').then(
    (text) => JSON.parse(text) as { status?: string },
    () => undefined,
  );
  let config: Record<string, unknown>;
  try {
    config = (JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { config: Record<string, unknown> }).config;
  } catch (error) {
    throw new CodedError('data/invalid', `${join(dir, 'config.json')} is not a run folder's config: ${(error as Error).message}`);
  }
  return [
    {
      folder: dir,
      id: marker?.id ?? runIdOf(config),
      name: marker?.name,
      tags: marker ? [...marker.tags, `${SWEEP_TAG_PREFIX}${marker.sweepName}`.slice(0, 100)] : [],
      sweepName: marker?.sweepName,
      incomplete: summary?.status === 'completed' ? undefined : summary ? `${summary.status}` : 'not finished (no summary.json)',
    },
  ];
}

export async function mergeRunFolders(store: Store, dirs: readonly string[], options: MergeOptions = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new CodedError('config/invalid', 'merge needs at least one folder');
  const candidates = (await Promise.all(dirs.map(candidatesIn))).flat();
  const incomplete = candidates.filter((c) => c.incomplete !== undefined);
  if (incomplete.length > 0 && !options.partial) {
    const listed = incomplete.slice(0, 10).map((c) => `${c.folder}: ${c.incomplete}`);
    const more = incomplete.length > 10 ? [`... and ${incomplete.length - 10} more`] : [];
    throw new CodedError(
      'sweep/incomplete',
      `${incomplete.length} of ${candidates.length} runs are not complete; merge them when they are, or pass --partial to merge the completed ones now:\n  ${[...listed, ...more].join('\n  ')}`,
    );
  }
  const projectName = options.project ?? candidates.find((c) => c.sweepName)?.sweepName ?? 'Merged runs';
  const project = store.transaction(() => store.projects.find(projectName) ?? store.projects.create(projectName, 'Runs merged from run folders (ntk-workbench merge).'));
  const result: MergeResult = { projectId: project.id, projectName: project.name, added: [], present: [], leftOut: [] };
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.incomplete !== undefined) {
      result.leftOut.push({ id: candidate.id, folder: candidate.folder, reason: candidate.incomplete });
      continue;
    }
    // The same run given twice (two copies of one folder) is merged once.
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const key = `${MERGE_KEY_PREFIX}${candidate.id}`;
    const earlier = store.runs.findByTag(project.id, key)[0];
    if (earlier) {
      result.present.push({ id: candidate.id, runId: earlier.id });
      continue;
    }
    const run = await readRunFolder(candidate.folder);
    const outcome = store.transaction(() => {
      // Checked again inside the transaction: another merge may have added it since.
      const twin = store.runs.findByTag(project.id, key)[0];
      if (twin) return { present: twin.id };
      const created = store.runs.create(project.id, {
        kind: 'train',
        // A run folder is a way in: its config is parsed here like any other that enters the store.
        config: parseRunConfig(run.config, join(candidate.folder, 'config.json')),
        name: candidate.name,
        tags: [...candidate.tags, key],
      });
      store.runs.markRunning(created.id, run.backend);
      store.metrics.append(created.id, run.metrics);
      for (const kernel of run.kernels) store.kernels.put(created.id, kernel);
      for (const p of run.params) store.artifacts.put(created.id, { name: p.name, kind: 'params', bytes: p.bytes, meta: { ...p.meta } });
      store.runs.markDone(created.id, run.summary);
      return { added: created };
    });
    if (outcome.added) result.added.push({ id: candidate.id, runId: outcome.added.id, name: outcome.added.name });
    else result.present.push({ id: candidate.id, runId: outcome.present });
  }
  return result;
}
