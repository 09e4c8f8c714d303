// A sweep spec made concrete: validated, expanded (contract/sweep-expansion.ts) and every run resolved against the
// run-config schema, with its stable id. Problems come back as one `config/invalid` error listing each with its path:
// the spec's own fields, an axis path the config does not have, and values the run-config schema refuses.
import type { z } from 'zod';
import { CodedError } from '../../contract/result';
import { type RunConfig, runConfigSchema } from '../../contract/run-config';
import { describeIssues } from '../../contract/zod-issues';
import { expandSweep, type Json, runIdOf, type SweepPlan, sweepAxes, withConfigPath } from '../../contract/sweep-expansion';
import { type SweepSpec, sweepSpecSchema } from '../../contract/sweep-spec';
import { canonicalJson, sha256Hex } from '../../contract/stable-hash';
import { readConfigJson } from '../config-file';

export interface ResolvedRun {
  readonly index: number;
  /** 16 hex digits; the run's folder name under the sweep's output folder. */
  readonly id: string;
  readonly name: string;
  readonly config: RunConfig;
  readonly axisValues: Readonly<Record<string, Json>>;
  readonly tags: readonly string[];
}

export interface ResolvedSweep {
  readonly spec: SweepSpec;
  /** Hash of the spec (canonical JSON): a sweep folder belongs to one spec. */
  readonly specId: string;
  readonly name: string;
  /** Axis paths in expansion order (seeds as 'seed'). */
  readonly axes: readonly string[];
  readonly runs: readonly ResolvedRun[];
}

const MAX_LISTED = 20;

const planOf = (spec: SweepSpec): SweepPlan => ({ base: spec.base, axes: spec.axes, seeds: spec.seeds, name: spec.name });

/** 'model.widht' -> the first segment the config does not know, from zod's unrecognized-keys issues. */
function unknownPathIssue(path: string, issues: readonly z.core.$ZodIssue[]): string | undefined {
  const segments = path.split('.');
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const at = issue.path.map(String);
    for (const key of issue.keys) {
      const full = [...at, key];
      if (full.every((s, i) => segments[i] === s)) return `axes.${path}: unknown config path (${at.length > 0 ? at.join('.') : 'the run config'} has no field "${key}")`;
    }
  }
  return undefined;
}

function issueLines(source: string, problems: string[]): CodedError {
  const listed = [...new Set(problems)];
  const more = listed.length > MAX_LISTED ? [`... and ${listed.length - MAX_LISTED} more`] : [];
  return new CodedError('config/invalid', `${source} is not a valid sweep spec:\n  ${[...listed.slice(0, MAX_LISTED), ...more].join('\n  ')}`);
}

export function resolveSweep(value: unknown, source = 'sweep spec'): ResolvedSweep {
  const parsed = sweepSpecSchema.safeParse(value);
  if (!parsed.success) throw issueLines(source, describeIssues(parsed.error));
  const spec = parsed.data;
  const plan = planOf(spec);
  const problems: string[] = [];
  // Each axis alone, at each of its values: unknown paths and refused values are named by the axis.
  for (const [path, values] of sweepAxes(plan)) {
    values.forEach((axisValue, i) => {
      let config: Record<string, unknown>;
      try {
        config = withConfigPath(spec.base, path, axisValue);
      } catch (error) {
        problems.push((error as Error).message);
        return;
      }
      const check = runConfigSchema.safeParse(config);
      if (check.success) return;
      const unknown = unknownPathIssue(path, check.error.issues);
      if (unknown) problems.push(unknown);
      for (const issue of check.error.issues) {
        const at = issue.path.join('.');
        if (at === path || at.startsWith(`${path}.`)) problems.push(`axes.${path}[${i}] = ${JSON.stringify(axisValue)}: ${at}: ${issue.message}`);
      }
    });
  }
  if (problems.length > 0) throw issueLines(source, problems);
  const runs: ResolvedRun[] = [];
  const byId = new Map<string, string>();
  for (const planned of expandSweep(plan)) {
    const check = runConfigSchema.safeParse(planned.config);
    if (!check.success) {
      problems.push(...describeIssues(check.error).map((line) => `run "${planned.name}": ${line}`));
      continue;
    }
    const id = runIdOf(check.data);
    const twin = byId.get(id);
    if (twin !== undefined) problems.push(`runs "${twin}" and "${planned.name}" resolve to the same config (id ${id})`);
    byId.set(id, planned.name);
    runs.push({ index: planned.index, id, name: planned.name, config: check.data, axisValues: planned.axisValues, tags: planned.tags });
  }
  if (problems.length > 0) throw issueLines(source, problems);
  const name = spec.name ?? (typeof spec.base.name === 'string' ? spec.base.name : 'sweep');
  return { spec, specId: sha256Hex(canonicalJson(spec)).slice(0, 16), name, axes: sweepAxes(plan).map(([path]) => path), runs };
}

export async function readSweepSpec(path: string): Promise<ResolvedSweep> {
  return resolveSweep(await readConfigJson(path, 'sweep spec'), path);
}
