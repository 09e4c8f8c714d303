// Seeded fuzzing: 72 byte-level corruptions of the fixtures (truncations, bit flips, overwritten, zeroed, inserted,
// deleted and duplicated runs, damaged external data) and 60 structural ones (valid protobuf, wrong content: dims,
// types, attributes, op types, wiring, opsets) go through import, onnxruntime validation and an eNTK, and 48 more of
// models with the control-flow, attention and recurrent ops. Nothing may
// crash or hang, and every failure must be a CodedError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../../src-main/contract/result';
import { createRng, type Rng } from '../../../../src-main/core/random';
import { modelNtk } from '../../../../src-main/node/onnx/import/import-service';
import { probeFromArray } from '../../../../src-main/node/onnx/import/probe-set';
import { decodeModel, encodeModel, type ModelProto } from '../../../../src-main/node/onnx/onnx-schema';
import { validFixtures, type Fixture } from '../../../fixtures/onnx/make-fixtures';
import { EXTERNAL_DIR, manifest } from '../../../fixtures/onnx/manifest';
import { ModelBuilder, attr } from '../../../../src-main/node/onnx/model-builder';
import { probeInputs } from './helpers';

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const run = (bytes: Uint8Array, rng: Rng) => {
  const start = rng.int(bytes.length);
  return { start, end: Math.min(bytes.length, start + 1 + rng.int(16)) };
};

const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, rng) => b.slice(0, 1 + rng.int(b.length - 1)),
  'flip bits': (b, rng) => {
    const out = b.slice();
    for (let i = 0, k = 1 + rng.int(8); i < k; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  overwrite: (b, rng) => {
    const out = b.slice();
    const { start, end } = run(b, rng);
    for (let i = start; i < end; i++) out[i] = rng.int(256);
    return out;
  },
  zero: (b, rng) => {
    const out = b.slice();
    const { start, end } = run(b, rng);
    out.fill(0, start, end);
    return out;
  },
  insert: (b, rng) => {
    const at = rng.int(b.length);
    const extra = Uint8Array.from({ length: 1 + rng.int(12) }, () => rng.int(256));
    return Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
  },
  delete: (b, rng) => {
    const { start, end } = run(b, rng);
    return Uint8Array.from([...b.subarray(0, start), ...b.subarray(end)]);
  },
  duplicate: (b, rng) => {
    const { start, end } = run(b, rng);
    return Uint8Array.from([...b.subarray(0, end), ...b.subarray(start, end), ...b.subarray(end)]);
  },
  'varint 0xff': (b, rng) => {
    const out = b.slice();
    out[rng.int(out.length)] = 0xff;
    return out;
  },
};

function variants(count: number, seed: number, bases: readonly Base[] = manifestBases()): { label: string; fixture: Fixture; inputSize: number }[] {
  const rng = createRng(seed, 'fuzz');
  const names = Object.keys(MUTATIONS);
  const out: { label: string; fixture: Fixture; inputSize: number }[] = [];
  for (let i = 0; i < count; i++) {
    const entry = { fixture: bases[i % bases.length].name, inputSize: bases[i % bases.length].inputSize };
    const base = bases[i % bases.length].fixture;
    const mutation = names[rng.int(names.length)];
    const damageSibling = base.siblings && base.siblings.size > 0 && rng.uniform() < 0.5;
    const fixture: Fixture = damageSibling
      ? { ...base, siblings: new Map([...(base.siblings ?? [])].map(([k, v]) => [k, MUTATIONS[mutation](v, rng)])) }
      : { ...base, bytes: MUTATIONS[mutation](base.bytes, rng) };
    out.push({ label: `${i} ${entry.fixture} ${mutation}${damageSibling ? ' (external data)' : ''}`, fixture, inputSize: entry.inputSize });
  }
  return out;
}

/** Edits of a decoded model that keep it valid protobuf but make its content wrong in one way. */
const STRUCTURAL: Record<string, (m: ModelProto, rng: Rng) => void> = {
  'initializer dims': (m, rng) => {
    const inits = m.graph?.initializer ?? [];
    const t = inits[rng.int(inits.length)];
    if (t?.dims?.length) t.dims[rng.int(t.dims.length)] = [0, -1, 3, 1000, 2 ** 40][rng.int(5)];
  },
  'initializer type': (m, rng) => {
    const inits = m.graph?.initializer ?? [];
    const t = inits[rng.int(inits.length)];
    if (t) t.dataType = rng.int(23);
  },
  'attribute value': (m, rng) => {
    const nodes = (m.graph?.node ?? []).filter((n) => (n.attribute ?? []).length > 0);
    const node = nodes[rng.int(nodes.length)];
    const a = node?.attribute?.[rng.int(node.attribute.length)];
    if (!a) return;
    const value = [-5, -1, 0, 1, 3, 1_000_000][rng.int(6)];
    if (a.ints?.length) a.ints[rng.int(a.ints.length)] = value;
    else if (a.floats?.length) a.floats[rng.int(a.floats.length)] = value;
    else if (a.type === 1) a.f = value;
    else a.i = value;
  },
  'op type': (m, rng) => {
    const nodes = m.graph?.node ?? [];
    const node = nodes[rng.int(nodes.length)];
    const types = ['Relu', 'Conv', 'Gemm', 'MatMul', 'Reshape', 'Softmax', 'Add', 'Loop', '', 'If', 'GRU', 'LSTM', 'Einsum', 'Split', 'Where', 'Resize', 'ConvTranspose', 'Tile'];
    if (node) node.opType = types[rng.int(types.length)];
  },
  rewire: (m, rng) => {
    const nodes = m.graph?.node ?? [];
    const node = nodes[rng.int(nodes.length)];
    const values = nodes.flatMap((n) => n.output ?? []);
    if (node?.input?.length) node.input[rng.int(node.input.length)] = rng.uniform() < 0.2 ? 'nowhere' : values[rng.int(values.length)];
  },
  'drop node': (m, rng) => {
    m.graph?.node?.splice(rng.int(m.graph.node.length), 1);
  },
  'drop initializer': (m, rng) => {
    m.graph?.initializer?.splice(rng.int(m.graph.initializer.length), 1);
  },
  'input dims': (m, rng) => {
    const dims = m.graph?.input?.[0]?.type?.tensorType?.shape?.dim;
    if (dims?.length) dims[rng.int(dims.length)] = [{ dimValue: 0 }, { dimValue: 7 }, { dimParam: 'q' }, {}, { dimValue: 2 ** 33 }][rng.int(5)];
  },
  opset: (m, rng) => {
    const entry = m.opsetImport?.[0];
    if (entry) entry.version = 1 + rng.int(25);
  },
};

/** A fixture to corrupt and the size of one sample of its input. */
interface Base {
  readonly name: string;
  readonly fixture: Fixture;
  readonly inputSize: number;
}

const manifestBases = (): Base[] => manifest.map((entry) => ({ name: entry.fixture, fixture: validFixtures[entry.fixture](), inputSize: entry.inputShape.reduce((a, b) => a * b, 1) }));

/** Models with the control-flow, attention and recurrent ops: the PyTorch ViT and GRU, and a shape-guarded If (plain
 * Uint8Array copies: a Buffer's slice() is a view, and the mutations must not edit the shared bases). */
function newOpBases(): Base[] {
  const exported = (file: string, inputSize: number): Base => ({ name: file, fixture: { file, bytes: new Uint8Array(readFileSync(join(EXTERNAL_DIR, 'blocks', file))) }, inputSize });
  const m = new ModelBuilder({ opset: 13 });
  m.input('x', 'float32', ['n', 6]);
  const cond = m.op('Equal', [m.op('Gather', [m.op('Shape', ['x']), m.constI64([1], [])], { axis: attr.int(0) }), m.constI64([6], [])]);
  const thenG = m.subgraph('then');
  const parts = ['p0', 'p1'];
  thenG.node('Split', ['x', m.constI64([2, 4])], parts, { axis: attr.int(1) });
  thenG.output(thenG.op('Einsum', [thenG.op('Tile', ['p0', m.constI64([1, 2])]), 'p1'], { equation: attr.string('bi,bi->bi') }), 'float32');
  const elseG = m.subgraph('else');
  elseG.output(elseG.op('Slice', ['x', m.constI64([0]), m.constI64([4]), m.constI64([1])]), 'float32');
  const h = m.op('If', [cond], { then_branch: attr.graph(thenG), else_branch: attr.graph(elseG) });
  const masked = m.op('Where', [m.op('Greater', [h, m.constF32([0])]), h, m.constF32([0.1])]);
  m.output(m.op('Gemm', [masked, m.initializer('w', 'float32', [3, 4], Array.from({ length: 12 }, (_, i) => Math.cos(i))), m.initializer('b', 'float32', [3], [0, 0.1, 0.2])], { transB: attr.int(1) }), 'float32');
  return [exported('torch-vit.onnx', 144), exported('torch-gru.onnx', 15), { name: 'guarded-if', fixture: { file: 'guarded-if.onnx', bytes: new Uint8Array(m.encode()) }, inputSize: 6 }];
}

function structuralVariants(count: number, seed: number, bases: readonly Base[] = manifestBases()): { label: string; fixture: Fixture; inputSize: number }[] {
  const rng = createRng(seed, 'structural');
  const names = Object.keys(STRUCTURAL);
  return Array.from({ length: count }, (_, i) => {
    const entry = { fixture: bases[i % bases.length].name, inputSize: bases[i % bases.length].inputSize };
    const base = bases[i % bases.length].fixture;
    const model = decodeModel(base.bytes);
    const mutation = names[rng.int(names.length)];
    STRUCTURAL[mutation](model, rng);
    let bytes: Uint8Array;
    try {
      bytes = encodeModel(model);
    } catch {
      // An edit the schema itself refuses: keep the original (it then imports fine).
      bytes = base.bytes;
    }
    return { label: `${i} ${entry.fixture} ${mutation}`, fixture: { ...base, bytes }, inputSize: entry.inputSize };
  });
}

async function outcomes(cases: { label: string; fixture: Fixture; inputSize: number }[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { label, fixture, inputSize } of cases) {
    const probe = probeFromArray(probeInputs(2, inputSize), 2, [inputSize]);
    let outcome: string;
    try {
      const report = await modelNtk({ name: fixture.file, bytes: fixture.bytes, siblings: fixture.siblings }, probe, { kernel: 'trace' });
      expect(report.trace.every(Number.isFinite), label).toBe(true);
      outcome = 'ok';
    } catch (error) {
      if (!(error instanceof CodedError)) throw new Error(`${label}: uncoded ${(error as Error).stack}`, { cause: error });
      outcome = error.code;
    }
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  return counts;
}

describe('fuzzed fixtures', () => {
  it('72 byte-level corruptions: each imports and computes, or fails with a CodedError', async () => {
    const counts = await outcomes(variants(72, 2024));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(72);
    expect(counts.get('internal')).toBeUndefined();
    console.log('byte-level fuzz outcomes', Object.fromEntries(counts));
  });

  it('the new ops (If, Where, Split, Tile, Einsum, GRU, attention blocks): 18 byte-level and 30 structural corruptions', async () => {
    const bases = newOpBases();
    for (const b of bases) expect((await outcomes([{ label: b.name, fixture: b.fixture, inputSize: b.inputSize }])).get('ok'), b.name).toBe(1);
    const counts = await outcomes([...variants(18, 31, bases), ...structuralVariants(30, 32, bases)]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(48);
    expect(counts.get('internal')).toBeUndefined();
    console.log('new-op fuzz outcomes', Object.fromEntries(counts));
  });

  it('60 structural corruptions: each imports and computes, or fails with a CodedError', async () => {
    const counts = await outcomes(structuralVariants(60, 77));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect(counts.get('internal')).toBeUndefined();
    console.log('structural fuzz outcomes', Object.fromEntries(counts));
  });
});
