// "Run again with changes": a config patch with JSON Merge Patch semantics (RFC 7396): objects merge key by key,
// null removes a key (so `{model: {width: null, widths: [64, 32]}}` switches forms), anything else replaces.
export type ConfigPatch = { readonly [key: string]: unknown };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

export function applyConfigPatch(base: Record<string, unknown>, patch: ConfigPatch): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value)) out[key] = applyConfigPatch(isPlainObject(out[key]) ? out[key] : {}, value);
    else if (value !== undefined) out[key] = value;
  }
  return out;
}
