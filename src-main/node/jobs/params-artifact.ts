// Parameter sets as one store artifact: float32 tensors concatenated in canonical order, names and shapes in the
// artifact's meta, so a run's initial and final parameters travel with it (bundles included).
import { CodedError } from '../../contract/result';
import { paramCount, type ParamSet } from '../../core/models/params';

export interface ParamsMeta {
  readonly format: 'ntk-workbench/params@1';
  readonly params: { name: string; shape: number[] }[];
}

export function encodeParamsArtifact(params: ParamSet): { bytes: Uint8Array; meta: ParamsMeta } {
  const total = paramCount(params);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const p of params) {
    flat.set(p.values, offset);
    offset += p.values.length;
  }
  return { bytes: new Uint8Array(flat.buffer), meta: { format: 'ntk-workbench/params@1', params: params.map((p) => ({ name: p.name, shape: [...p.shape] })) } };
}

/** The parameter set back from an artifact's bytes and meta (reports and exports read runs' parameters this way). */
export function decodeParamsArtifact(bytes: Uint8Array, meta: Record<string, unknown>): ParamSet {
  const m = meta as unknown as ParamsMeta;
  if (m.format !== 'ntk-workbench/params@1' || !Array.isArray(m.params)) throw new CodedError('data/invalid', 'not a parameter artifact');
  const flat = new Float32Array(bytes.slice().buffer);
  let offset = 0;
  return m.params.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (offset + size > flat.length) throw new CodedError('data/shape-mismatch', `parameter artifact too short for ${name}`);
    const values = flat.slice(offset, offset + size);
    offset += size;
    return { name, shape, values };
  });
}
