// Models built in code load in onnxruntime-node and compute what they should; the encoding round-trips through the schema.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, ModelBuilder, attr, tensorProto } from '../../../src-main/node/onnx/model-builder';
import { decodeModel } from '../../../src-main/node/onnx/onnx-schema';

async function run(model: ModelBuilder, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model.encode(), { intraOpNumThreads: 1 });
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

describe('ModelBuilder', () => {
  it('builds Gemm with transB and symbolic dims that accept several shapes', async () => {
    const model = new ModelBuilder();
    model.input('A', 'float32', ['p', 'm']);
    model.input('B', 'float32', ['q', 'm']);
    model.op('Gemm', ['A', 'B'], { transB: attr.int(1), alpha: attr.float(2) }, 'G');
    model.output('G', 'float32', ['p', 'q']);
    const session = await ort.InferenceSession.create(model.encode(), { intraOpNumThreads: 1 });
    const small = await session.run({ A: f32([1, 2, 3, 4, 5, 6], [2, 3]), B: f32([1, 0, 0, 0, 0, 1], [2, 3]) });
    expect(small.G.dims).toEqual([2, 2]);
    expect(Array.from(small.G.data as Float32Array)).toEqual([2, 6, 8, 12]);
    const row = await session.run({ A: f32([1, 1], [1, 2]), B: f32([1, 2, 3, 4, 5, 6], [3, 2]) });
    expect(row.G.dims).toEqual([1, 3]);
    expect(Array.from(row.G.data as Float32Array)).toEqual([6, 14, 22]);
    await session.release();
  });

  it('stores float32 and int64 initializers and typed attributes', async () => {
    const model = new ModelBuilder({ opset: 17 });
    model.input('x', 'float32', [2, 3]);
    const w = model.initializer('w', 'float32', [3], Float32Array.from([1, -2, 0.5]));
    const shape = model.constI64([3, 2]);
    const scaled = model.op('Mul', ['x', w]);
    const reshaped = model.op('Reshape', [scaled, shape]);
    model.op('Transpose', [reshaped], { perm: attr.ints([1, 0]) }, 'y');
    model.op('ReduceSum', [reshaped, model.constI64([0])], { keepdims: attr.int(0) }, 'colSum');
    model.output('y', 'float32', [2, 3]);
    model.output('colSum', 'float32', [2]);
    const out = await run(model, { x: f32([1, 2, 3, 4, 5, 6], [2, 3]) });
    // x * w = [[1, -4, 1.5], [4, -10, 3]] -> reshape [3, 2] -> transpose
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 1.5, -10, -4, 4, 3]);
    expect(Array.from(out.colSum.data as Float32Array)).toEqual([-7.5, 3]);
  });

  it('builds a Loop with a subgraph body that reads an outer-scope value', async () => {
    const model = new ModelBuilder();
    const trip = model.input('trip', 'int64', []);
    model.input('v0', 'float32', [2]);
    const step = model.constF32([1, 10], [2]);
    const body = model.subgraph('body');
    body.input('i', 'int64', []);
    const cond = body.input('cond', 'bool', []);
    const v = body.input('v', 'float32', [2]);
    body.output(body.op('Identity', [cond]), 'bool', []);
    body.output(body.op('Add', [v, step]), 'float32', [2]);
    body.output(body.op('ReduceSum', [v], { keepdims: attr.int(0) }), 'float32', []);
    model.node('Loop', [trip, '', 'v0'], ['vFinal', 'sums'], { body: attr.graph(body) });
    model.output('vFinal', 'float32', [2]);
    model.output('sums', 'float32', ['count']);
    const out = await run(model, { trip: new ort.Tensor('int64', BigInt64Array.of(3n), []), v0: f32([0, 0], [2]) });
    expect(Array.from(out.vFinal.data as Float32Array)).toEqual([3, 30]);
    expect(Array.from(out.sums.data as Float32Array)).toEqual([0, 11, 22]);
  });

  it('round-trips through the schema with IR version, opset, symbolic dims and raw data', () => {
    const model = new ModelBuilder({ irVersion: 9, opset: 19, producerName: 'test' });
    model.input('a', 'float32', ['n', 4]);
    model.initializer('w', 'float32', [4], [1, 2, 3, 4]);
    model.op('Mul', ['a', 'w'], {}, 'y');
    model.output('y', 'float32', ['n', 4]);
    const decoded = decodeModel(model.encode());
    expect(Number(decoded.irVersion)).toBe(9);
    expect(Number(decoded.opsetImport![0].version)).toBe(19);
    expect(decoded.producerName).toBe('test');
    const dims = decoded.graph!.input![0].type!.tensorType!.shape!.dim!;
    expect(dims[0].dimParam).toBe('n');
    expect(Number(dims[1].dimValue)).toBe(4);
    const raw = decoded.graph!.initializer![0].rawData!;
    expect(Array.from(new Float32Array(Uint8Array.from(raw).buffer))).toEqual([1, 2, 3, 4]);
    expect(decoded.graph!.node![0].opType).toBe('Mul');
  });

  it('rejects duplicate value names, including across subgraphs, and wrong value counts', () => {
    const model = new ModelBuilder();
    model.input('x', 'float32', [1]);
    expect(() => model.input('x', 'float32', [1])).toThrow(/already defined/);
    const body: GraphBuilder = model.subgraph('body');
    expect(() => body.input('x', 'float32', [1])).toThrow(/already defined/);
    expect(() => tensorProto('t', 'float32', [2, 2], [1, 2, 3])).toThrow(/3 values for dims \[2, 2\]/);
  });
});
