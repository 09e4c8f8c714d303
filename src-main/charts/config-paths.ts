// Run configs as flat dotted paths ('model.width' -> 256): what Compare groups by and labels runs with (and what reports
// tabulate), the JSON Merge Patch (RFC 7396) between two configs that "run again with changes" sends to runs:duplicate,
// and the changes a duplicated run made to its parent's config, path by path.

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaves of a config by dotted path; arrays are one leaf, shown as JSON. */
export function flattenConfig(config: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) Object.assign(out, flattenConfig(value, path));
    else if (value !== undefined) out[path] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Paths whose value is not the same in every config (a path missing from some counts as differing). */
export function differingPaths(configs: readonly Record<string, unknown>[]): string[] {
  const flat = configs.map((c) => flattenConfig(c));
  const paths = new Set(flat.flatMap((f) => Object.keys(f)));
  return [...paths].filter((path) => new Set(flat.map((f) => f[path] ?? '∅')).size > 1).sort();
}

export interface ConfigChange {
  readonly path: string;
  /** The leaf as flattenConfig shows it; '∅' where the config has no such path. */
  readonly before: string;
  readonly after: string;
}

/** The leaves that differ between a parent's config and its duplicate's, by path. */
export function configChanges(from: Record<string, unknown>, to: Record<string, unknown>): ConfigChange[] {
  const [a, b] = [flattenConfig(from), flattenConfig(to)];
  return differingPaths([from, to]).map((path) => ({ path, before: a[path] ?? '∅', after: b[path] ?? '∅' }));
}

/** The merge patch that turns `from` into `to`: changed leaves, null for removed keys; {} when equal. */
export function mergePatch(from: Record<string, unknown>, to: Record<string, unknown>): Record<string, Json> {
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const before = from[key];
    if (isObject(value) && isObject(before)) {
      const inner = mergePatch(before, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (JSON.stringify(before) !== JSON.stringify(value)) {
      patch[key] = value as Json;
    }
  }
  return patch;
}
