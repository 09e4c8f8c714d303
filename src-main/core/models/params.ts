// Plain-data parameters: what is saved, loaded, compared and fed to the float64 reference path.
// Layout follows PyTorch: dense weights are [out, in]; names are stable (W1, b1, ..., Wout).

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export type ParamSet = readonly NamedArray[];

export function paramCount(params: ParamSet): number {
  return params.reduce((total, p) => total + p.values.length, 0);
}

export function findParam(params: ParamSet, name: string): NamedArray {
  const found = params.find((p) => p.name === name);
  if (!found) throw new Error(`no parameter named ${name}`);
  return found;
}

/** ||a - b||_2 and ||a - b||_inf over all parameters, accumulated in float64. */
export function paramDistance(a: ParamSet, b: ParamSet): { l2: number; linf: number } {
  let sq = 0;
  let linf = 0;
  a.forEach((p, index) => {
    const q = b[index];
    if (q.name !== p.name || q.values.length !== p.values.length) throw new Error(`parameter sets differ at ${p.name}`);
    for (let i = 0; i < p.values.length; i++) {
      const diff = p.values[i] - q.values[i];
      sq += diff * diff;
      linf = Math.max(linf, Math.abs(diff));
    }
  });
  return { l2: Math.sqrt(sq), linf };
}

/** ||theta||_2 in float64. */
export function paramNorm(params: ParamSet): number {
  let sq = 0;
  for (const p of params) for (let i = 0; i < p.values.length; i++) sq += p.values[i] * p.values[i];
  return Math.sqrt(sq);
}
