// The structured FCN kernel of a sample set with itself computes its cotangent Grams for the upper block triangle of
// up to 4 sample blocks and mirrors the rest: equal bit for bit to the same kernel computed as a cross kernel (one
// whole product per layer) under an engine whose entries do not depend on the block (float64 sums in a fixed order),
// and within float32 round-off of the float64 Jacobian reference. Sizes are chosen so the split takes 2, 3 and 4 blocks
// (256 kernel rows a block at least).
import { describe, expect, it } from 'vitest';
import { initParams, type FcnArchitecture } from '../../../src-main/core/models/architecture';
import { empiricalNtkF64 } from '../../../src-main/core/models/reference-f64';
import { architectureNtkModel, empiricalNtkParts } from '../../../src-main/core/ntk/empirical-ntk';
import { classTrace } from '../../../src-main/core/ntk/kernel-types';
import { f64Engine } from '../../helpers/f64-engine';
import { relErr } from '../../helpers/rel-err';

const a: FcnArchitecture = { arch: 'fcn', inputDim: 5, outputs: 4, widths: [9, 7], bias: true, parameterization: 'ntk', readoutBias: 0.5 };
const params = initParams(a, 3);

describe('structured self kernel in upper-triangle blocks', () => {
  for (const [kernel, n] of [
    ['full', 130],
    ['full', 200],
    ['trace', 530],
    ['trace', 1030],
  ] as const) {
    it(`${kernel}, n = ${n}: equals the whole cross product bit for bit, and the float64 reference`, async () => {
      const x = Float64Array.from({ length: n * a.inputDim }, (_, i) => Math.sin(0.7 * i + 0.2));
      const parts = empiricalNtkParts(architectureNtkModel(a), { implementation: 'structured', kernel, engine: f64Engine }, params);
      const f = await parts.features(x);
      const self = await parts.cross(f);
      expect(self).toEqual(await parts.cross(f, await parts.features(x)));
      const side = kernel === 'full' ? n * a.outputs : n;
      for (let i = 0; i < side; i += 7) for (let j = 0; j < i; j += 5) expect(self[i * side + j]).toBe(self[j * side + i]);
      // The float64 reference on every 25th sample (pairs from every block pair): the matching entries of the kernel.
      const picked = Array.from({ length: Math.ceil(n / 25) }, (_, i) => i * 25);
      const xs = Float64Array.from(picked.flatMap((i) => [...x.subarray(i * a.inputDim, (i + 1) * a.inputDim)]));
      const full = empiricalNtkF64(a, params, xs, picked.length);
      const r = kernel === 'full' ? a.outputs : 1;
      const rows = picked.flatMap((i) => Array.from({ length: r }, (_, c) => i * r + c));
      const ours = Float64Array.from(rows.flatMap((i) => rows.map((j) => self[i * side + j])));
      expect(relErr(ours, kernel === 'full' ? full : classTrace(full, picked.length, picked.length, a.outputs))).toBeLessThan(2e-5);
    });
  }
});
