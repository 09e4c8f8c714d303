// The one sweep expansion: a base run config crossed with axes (config path -> values) and seeds, in a fixed order,
// each combination a named, tagged run with a stable id (a hash of its resolved config). Used by the CLI's sweep specs,
// the app's Slurm export and the New-run form; zod-free, so the renderer may import it.
import { CodedError } from './result';
import { canonicalJson, type Json, sha256Hex } from './stable-hash';

export type { Json } from './stable-hash';

export interface SweepPlan {
  /** The run config every run starts from (defaults may be missing; they are filled when a run is resolved). */
  readonly base: Readonly<Record<string, unknown>>;
  /** Config path ('model.width', 'optimizer.lr') -> values; the last axis varies fastest. Empty lists are ignored. */
  readonly axes?: Readonly<Record<string, readonly Json[]>>;
  /** Crossed innermost, like an axis on 'seed'. */
  readonly seeds?: readonly number[];
  /** Runs are called `<name> [path=value, ...]`; default base.name, then 'run'. */
  readonly name?: string;
}

export interface PlannedRun {
  /** Position in the expansion order: shards take runs round-robin by it. */
  readonly index: number;
  readonly config: Record<string, unknown>;
  readonly name: string;
  /** The value each axis takes in this run, by path (seeds under 'seed'). */
  readonly axisValues: Readonly<Record<string, Json>>;
  /** `axis:<path>=<value>` per axis when the sweep has more than one run; Compare groups by them. */
  readonly tags: string[];
}

export const AXIS_TAG_PREFIX = 'axis:';
const TAG_MAX = 64;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const valueText = (value: Json): string => (typeof value === 'string' ? value : canonicalJson(value));

/** A copy of `config` with `path` set to `value`; missing objects on the way are created, anything else there is an error. */
export function withConfigPath(config: Readonly<Record<string, unknown>>, path: string, value: Json): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...config, [head]: value };
  const inner = config[head] ?? {};
  if (!isObject(inner)) throw new CodedError('config/invalid', `axes.${path}: ${head} is ${JSON.stringify(inner)}, not an object with fields`);
  return { ...config, [head]: withConfigPath(inner, rest.join('.'), value) };
}

/** The axes in expansion order, seeds last; axes without values are left out. */
export function sweepAxes(plan: SweepPlan): [path: string, values: readonly Json[]][] {
  const axes = Object.entries(plan.axes ?? {}).filter(([, values]) => values.length > 0);
  if (plan.seeds && plan.seeds.length > 0) axes.push(['seed', plan.seeds]);
  return axes;
}

/** How many runs the plan expands to. */
export function sweepSize(plan: SweepPlan): number {
  return sweepAxes(plan).reduce((n, [, values]) => n * values.length, 1);
}

/** Every combination, in order (first axis slowest), as a run config with its name, axis values and tags. */
export function expandSweep(plan: SweepPlan): PlannedRun[] {
  const axes = sweepAxes(plan);
  const count = sweepSize(plan);
  const baseName = plan.name ?? (typeof plan.base.name === 'string' ? plan.base.name : 'run');
  const runs: PlannedRun[] = [];
  for (let index = 0; index < count; index++) {
    let config: Record<string, unknown> = { ...plan.base };
    const axisValues: Record<string, Json> = {};
    let rest = index;
    // Mixed radix with the last axis as the lowest digit.
    const picks = axes
      .slice()
      .reverse()
      .map(([path, values]) => {
        const value = values[rest % values.length];
        rest = Math.floor(rest / values.length);
        return [path, value] as const;
      })
      .reverse();
    for (const [path, value] of picks) {
      config = withConfigPath(config, path, value);
      axisValues[path] = value;
    }
    const parts = picks.map(([path, value]) => `${path}=${valueText(value)}`);
    const name = count > 1 ? `${baseName} [${parts.join(', ')}]` : baseName;
    // A single run keeps the base config as it is (its name included); runs of a sweep carry their own names.
    if (count > 1) config = { ...config, name };
    const tags = count > 1 ? parts.map((part) => `${AXIS_TAG_PREFIX}${part}`.slice(0, TAG_MAX)) : [];
    runs.push({ index, config, name, axisValues, tags });
  }
  return runs;
}

/** A run's id: the first 16 hex digits of SHA-256 over its resolved config (name left out) as canonical JSON. */
export function runIdOf(resolvedConfig: Readonly<Record<string, unknown>>): string {
  const { name: _name, ...physics } = resolvedConfig;
  return sha256Hex(canonicalJson(physics)).slice(0, 16);
}

/** The axis paths named by `axis:` tags, in tag order (what Compare offers to group by first). */
export function axisPathsOfTags(tags: readonly string[]): string[] {
  const paths = tags.filter((t) => t.startsWith(AXIS_TAG_PREFIX) && t.includes('=')).map((t) => t.slice(AXIS_TAG_PREFIX.length, t.indexOf('=')));
  return [...new Set(paths)];
}
