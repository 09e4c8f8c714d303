// Parameter sets as one store artifact: float32 tensors concatenated in canonical order, names and shapes in the
// artifact's meta, so a run's initial and final parameters travel with it (bundles included).
import type { ParamSet } from '../../core/models/params';

export interface ParamsMeta {
  readonly format: 'ntk-workbench/params@1';
  readonly params: { name: string; shape: number[] }[];
}

export function encodeParamsArtifact(params: ParamSet): { bytes: Uint8Array; meta: ParamsMeta } {
  const total = params.reduce((s, p) => s + p.values.length, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const p of params) {
    flat.set(p.values, offset);
    offset += p.values.length;
  }
  return { bytes: new Uint8Array(flat.buffer), meta: { format: 'ntk-workbench/params@1', params: params.map((p) => ({ name: p.name, shape: [...p.shape] })) } };
}
