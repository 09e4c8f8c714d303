// Dataset and probe files: each format's happy path and every coded error a user can cause.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../helpers/coded';
import { encodeNpy, type NdArrayInput } from '../../../src-main/core/io/npy';
import { loadDataFiles, readInputsFile, readLabelsFile } from '../../../src-main/node/data/files';

const dir = mkdtempSync(join(tmpdir(), 'ntk-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | NdArrayInput): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : encodeNpy(content));
  return path;
}

describe('.npy', () => {
  it('loads inputs and integer labels of any numeric dtype', async () => {
    const inputs = file('x.npy', { shape: [3, 2], dtype: 'float32', data: [0.5, 1, 2, 3, 4, 5] });
    const labels = file('y.npy', { shape: [3], dtype: 'int64', data: [0, 2, 1] });
    const data = await loadDataFiles(inputs, labels);
    expect(data).toMatchObject({ n: 3, d: 2, classes: 3 });
    expect(Array.from(data.x)).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(Array.from(data.y)).toEqual([0, 2, 1]);
    expect(data.description).toContain('x.npy + y.npy');
    const column = file('y-col.npy', { shape: [3, 1], dtype: 'float64', data: [1, 0, 1] });
    expect(Array.from((await loadDataFiles(inputs, column)).y)).toEqual([1, 0, 1]);
  });

  it('keeps the per-sample shape of image probes and flattens them for datasets', async () => {
    const images = file('img.npy', { shape: [2, 1, 2, 2], dtype: 'uint8', data: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(await readInputsFile(images)).toEqual({ x: Float64Array.of(0, 1, 2, 3, 4, 5, 6, 7), n: 2, sampleShape: [1, 2, 2] });
    expect((await loadDataFiles(images, file('img-y.npy', { shape: [2], dtype: 'bool', data: [1, 0] }))).d).toBe(4);
  });

  it('rejects NaN, non-integer labels and a wrong label shape', async () => {
    const nan = file('nan.npy', { shape: [2, 1], dtype: 'float64', data: [1, NaN] });
    expect(await codeOf(() => readInputsFile(nan))).toMatch(/^data\/invalid: .*sample 1 value 0 is NaN/);
    const inputs = file('ok.npy', { shape: [2, 1], dtype: 'float64', data: [1, 2] });
    expect(await codeOf(() => loadDataFiles(inputs, file('half.npy', { shape: [2], dtype: 'float64', data: [0, 0.5] })))).toMatch(/^data\/invalid/);
    expect(await codeOf(() => readLabelsFile(file('wide.npy', { shape: [2, 2], dtype: 'int32', data: [0, 1, 1, 0] })))).toMatch(/^data\/invalid: .*shape/);
  });
});

describe('.csv', () => {
  it('reads numbers without a header, with labels from a separate CSV', async () => {
    const inputs = file('plain.csv', '# made by hand\n1, 2.5 ,-3e-1\r\n\n4,5,6\r\n');
    const labels = file('plain-labels.csv', 'label\n1\n0\n');
    const data = await loadDataFiles(inputs, labels);
    expect(data).toMatchObject({ n: 2, d: 3 });
    expect(Array.from(data.x)).toEqual([1, 2.5, -0.3, 4, 5, 6]);
    expect(Array.from(data.y)).toEqual([1, 0]);
    expect(Array.from(await readLabelsFile(file('bare-labels.csv', '0\n1\n')))).toEqual([0, 1]);
  });

  it('takes labels from a "label" header column, which is not an input', async () => {
    const path = file('labelled.csv', '\uFEFFx1,"Label",x2\n0.1,1,0.2\n0.3,0,0.4\n');
    const data = await loadDataFiles(path);
    expect(Array.from(data.x)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(Array.from(data.y)).toEqual([1, 0]);
    expect(await readInputsFile(path)).toEqual({ x: Float64Array.of(0.1, 0.2, 0.3, 0.4), n: 2, sampleShape: [2] });
  });

  it('reports ragged rows, text and non-finite cells with their line', async () => {
    expect(await codeOf(() => readInputsFile(file('ragged.csv', '1,2\n3,4,5\n')))).toMatch(/^data\/invalid: .*line 2: 3 cells .* 2 \(ragged rows\)/);
    expect(await codeOf(() => readInputsFile(file('text.csv', 'a,b\n1,2\n3,x\n')))).toMatch(/^data\/invalid: .*line 3 column 2: "x" is not a number/);
    expect(await codeOf(() => readInputsFile(file('empty-cell.csv', '1,2\n3,\n')))).toMatch(/^data\/invalid: .*line 2 column 2: "" is not a number/);
    expect(await codeOf(() => readInputsFile(file('nan.csv', '1,2\n3,NaN\n')))).toMatch(/^data\/invalid: .*line 2 column 2: NaN is not a finite number/);
    expect(await codeOf(() => readInputsFile(file('inf.csv', '-inf,2\n')))).toMatch(/^data\/invalid: .*-inf is not a finite number/);
    expect(await codeOf(() => readInputsFile(file('huge.csv', '1e400\n')))).toMatch(/^data\/invalid: .*overflows/);
    expect(await codeOf(() => readInputsFile(file('blank.csv', '\n# nothing\n')))).toMatch(/^data\/invalid: .*no rows/);
    expect(await codeOf(() => readLabelsFile(file('two-col.csv', '0,1\n1,0\n')))).toMatch(/^data\/invalid: .*one column/);
    expect(await codeOf(() => readInputsFile(file('only-label.csv', 'label\n1\n')))).toMatch(/^data\/invalid: .*no input columns/);
  });
});

describe('.json', () => {
  it('reads {"inputs", "labels"} and ignores other fields', async () => {
    const path = file('set.json', JSON.stringify({ inputs: [[1, 2], [3, 4], [5, 6]], labels: [0, 1, 1], note: 'ignored' }));
    const data = await loadDataFiles(path);
    expect(data).toMatchObject({ n: 3, d: 2 });
    expect(Array.from(data.y)).toEqual([0, 1, 1]);
  });

  it('keeps multi-dimensional sample shapes, e.g. [n][1][28][28] probes', async () => {
    const image = Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => (r * 28 + c) / 784));
    const path = file('probe.json', JSON.stringify({ inputs: [[image], [image]] }));
    const probes = await readInputsFile(path);
    expect(probes.n).toBe(2);
    expect(probes.sampleShape).toEqual([1, 28, 28]);
    expect(probes.x[784 + 29]).toBe(29 / 784);
    const bare = await readInputsFile(file('bare.json', '[0.5, 1.5]'));
    expect(bare).toEqual({ x: Float64Array.of(0.5, 1.5), n: 2, sampleShape: [] });
    expect(Array.from(await readLabelsFile(file('labels.json', '{"labels": [[1], [0]]}')))).toEqual([1, 0]);
  });

  it('reports ragged arrays, non-numbers, overflow and bad JSON', async () => {
    expect(await codeOf(() => readInputsFile(file('ragged.json', '{"inputs": [[1, 2], [3]]}')))).toMatch(/^data\/invalid: .*inputs\[1\] should be an array of 2 \(ragged/);
    // The shape named is one sample's ([1, 2]), not the whole array's ([3, 1, 2]).
    expect(await codeOf(() => readInputsFile(file('ragged3.json', '{"inputs": [[[1, 2]], [[3, 4]], [[5]]]}')))).toMatch(
      /inputs\[2\]\[0\] should be an array of 2 \(ragged inputs: every sample must have the first sample's shape \[1, 2\]\)$/,
    );
    expect(await codeOf(() => readInputsFile(file('deep.json', '{"inputs": [[1, 2], [3, [4]]]}')))).toMatch(/^data\/invalid: .*inputs\[1\]\[1\] is \[4\], not a number/);
    expect(await codeOf(() => readInputsFile(file('null.json', '{"inputs": [[1, null]]}')))).toMatch(/^data\/invalid: .*inputs\[0\]\[1\] is null/);
    expect(await codeOf(() => readInputsFile(file('string.json', '{"inputs": [["1"]]}')))).toMatch(/^data\/invalid: .*not a number/);
    expect(await codeOf(() => readInputsFile(file('inf.json', '{"inputs": [[1e999]]}')))).toMatch(/^data\/invalid: .*Infinity/);
    expect(await codeOf(() => readInputsFile(file('noinputs.json', '{"x": [[1]]}')))).toMatch(/^data\/invalid: .*expected \{"inputs"/);
    expect(await codeOf(() => readInputsFile(file('broken.json', '{"inputs": [1,')))).toMatch(/^data\/invalid: .*not valid JSON/);
    expect(await codeOf(() => loadDataFiles(file('badlabel.json', '{"inputs": [[1]], "labels": ["a"]}')))).toMatch(/^data\/invalid: .*label 0/);
  });
});

describe('errors shared by every format', () => {
  const inputs = file('three.csv', '1\n2\n3\n');

  it('data/not-found for a missing file, io/failed for an unreadable one', async () => {
    expect(await codeOf(() => readInputsFile(join(dir, 'missing.npy')))).toMatch(/^data\/not-found: no such file/);
    expect(await codeOf(() => loadDataFiles(inputs, join(dir, 'missing-labels.csv')))).toMatch(/^data\/not-found/);
    const folder = join(dir, 'a-folder.json');
    mkdirSync(folder);
    expect(await codeOf(() => readInputsFile(folder))).toMatch(/^io\/failed: cannot read/);
  });

  it('data/shape-mismatch when label and sample counts differ', async () => {
    expect(await codeOf(() => loadDataFiles(inputs, file('two.csv', '0\n1\n')))).toMatch(/^data\/shape-mismatch: 2 labels in .*two.csv for 3 samples/);
    expect(await codeOf(() => loadDataFiles(file('short.json', '{"inputs": [[1], [2]], "labels": [0]}')))).toMatch(/^data\/shape-mismatch/);
  });

  it('data/invalid for no labels, labels given twice, or an unknown extension', async () => {
    expect(await codeOf(() => loadDataFiles(inputs))).toMatch(/^data\/invalid: .*has no labels/);
    const labelled = file('twice.csv', 'a,label\n1,0\n');
    expect(await codeOf(() => loadDataFiles(labelled, file('one.csv', '0\n')))).toMatch(/^data\/invalid: .*already holds labels/);
    expect(await codeOf(() => readInputsFile(file('data.txt', '1\n')))).toMatch(/^data\/invalid: .*unsupported file type ".txt"/);
  });
});
