// Datasets and probe sets from files: .npy, .csv and .json inputs, with labels inline or in a second file.
// Formats (the extension decides):
//   .npy   inputs of shape (n, ...), any NdArray dtype; labels file of shape (n,) or (n, 1).
//   .csv   comma-separated numbers, one sample per row; blank lines and lines starting with # are skipped.
//          An optional header row (detected when a cell is not a number) names columns; a column named
//          `label` (any case) holds the labels and is not an input. Without it, every column is an input.
//          A labels .csv has one column, or a header with a `label` column.
//   .json  {"inputs": nested array with leading dim n, "labels": [...] optional, "bind": {name: value} optional for a
//          model's other inputs}, other fields ignored; a bare
//          nested array is taken as inputs. A labels .json is [...] or {"labels": [...]}.
// Pixel-like integer inputs are not rescaled: what the file holds is what the network sees.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CodedError } from '../../contract/result';
import { makeDataset, type Dataset } from '../../core/data/dataset';
import { decodeNpy } from '../../core/io/npy';

/** Inputs flattened per sample: x is n x prod(sampleShape) float64, row-major; sampleShape excludes the leading n. */
export interface InputsFile {
  x: Float64Array;
  n: number;
  sampleShape: number[];
  /** JSON only: values for a model's other inputs ({"bind": {"h": [[...]], "sr": 16000}}), by input name. */
  bind?: Record<string, { shape: number[]; data: Float64Array }>;
}

interface Table extends InputsFile {
  /** Labels found inside the inputs file (CSV `label` column, JSON "labels"), if any. */
  labels?: number[];
}

/** Probe inputs from a .npy, .csv or .json file; labels inside the file are ignored. Shape as in InputsFile. */
export async function readInputsFile(path: string): Promise<InputsFile> {
  const { x, n, sampleShape, bind } = await readTable(path);
  return { x, n, sampleShape, ...(bind ? { bind } : {}) };
}

/** Labels from a .npy ((n,) or (n, 1)), .csv (one column, or a `label` header column) or .json file; values unchecked. */
export async function readLabelsFile(path: string): Promise<number[]> {
  const format = formatOf(path);
  const bytes = await readBytes(path);
  if (format === 'npy') {
    const array = decodeNpy(bytes);
    if (array.shape.length === 0 || array.shape.length > 2 || (array.shape.length === 2 && array.shape[1] !== 1))
      throw new CodedError('data/invalid', `${path}: labels must have shape (n,) or (n, 1), not (${array.shape.join(', ')})`);
    return Array.from(array.data);
  }
  const text = decodeText(bytes);
  if (format === 'json') {
    const parsed = parseJson(text, path);
    const labels = Array.isArray(parsed) ? parsed : (parsed as { labels?: unknown } | null)?.labels;
    return checkLabelList(labels, path);
  }
  const table = parseCsv(text, path);
  if (table.labels) return table.labels;
  if (table.sampleShape[0] !== 1)
    throw new CodedError('data/invalid', `${path}: a labels CSV needs one column or a header with a "label" column (found ${table.sampleShape[0]} columns)`);
  return Array.from(table.x);
}

/** A training Dataset (n x d float64 inputs, integer labels) from an inputs file and, unless it holds them, a labels file. */
export async function loadDataFiles(inputsPath: string, labelsPath?: string): Promise<Dataset> {
  const table = await readTable(inputsPath);
  if (table.labels && labelsPath)
    throw new CodedError('data/invalid', `${inputsPath} already holds labels; drop them or the separate labels file ${labelsPath}`);
  const labels = labelsPath ? await readLabelsFile(labelsPath) : table.labels;
  if (!labels)
    throw new CodedError('data/invalid', `${inputsPath} has no labels: give a labels file, a "label" CSV header column or a "labels" field in the JSON`);
  if (labels.length !== table.n)
    throw new CodedError('data/shape-mismatch', `${labels.length} labels${labelsPath ? ` in ${labelsPath}` : ''} for ${table.n} samples in ${inputsPath}`);
  const d = table.sampleShape.reduce((a, b) => a * b, 1);
  const source = labelsPath ? `${basename(inputsPath)} + ${basename(labelsPath)}` : basename(inputsPath);
  return makeDataset(table.x, labels, table.n, d, `file: ${source} (n=${table.n}, sample shape [${table.sampleShape.join(', ')}])`);
}

type Format = 'npy' | 'csv' | 'json';

function formatOf(path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy' || ext === '.csv' || ext === '.json') return ext.slice(1) as Format;
  throw new CodedError('data/invalid', `${path}: unsupported file type "${ext}"; use .npy, .csv or .json`);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CodedError('data/not-found', `no such file: ${path}`);
    throw new CodedError('io/failed', `cannot read ${path}: ${(e as Error).message}`);
  }
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

async function readTable(path: string): Promise<Table> {
  const format = formatOf(path);
  const bytes = await readBytes(path);
  if (format === 'npy') return npyTable(bytes, path);
  const text = decodeText(bytes);
  if (format === 'json') return jsonTable(parseJson(text, path), path);
  const table = parseCsv(text, path);
  if (table.sampleShape[0] === 0) throw new CodedError('data/invalid', `${path}: no input columns besides "label"`);
  return table;
}

function npyTable(bytes: Uint8Array, path: string): Table {
  const array = decodeNpy(bytes);
  if (array.shape.length === 0 || array.shape[0] === 0)
    throw new CodedError('data/invalid', `${path}: inputs need a leading sample axis with n >= 1 (shape (${array.shape.join(', ')}))`);
  const x = Float64Array.from(array.data);
  const sampleSize = x.length / array.shape[0];
  checkFinite(x, path, sampleSize);
  return { x, n: array.shape[0], sampleShape: array.shape.slice(1) };
}

function checkFinite(x: Float64Array, path: string, sampleSize: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new CodedError('data/invalid', `${path}: sample ${Math.floor(i / sampleSize)} value ${i % sampleSize} is ${x[i]}`);
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function parseCsv(text: string, path: string): Table {
  const rows: { line: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    rows.push({ line: i + 1, cells: trimmed.split(',').map((c) => c.trim()) });
  });
  if (rows.length === 0) throw new CodedError('data/invalid', `${path}: no rows`);

  const first = rows[0].cells;
  const hasHeader = first.some((c) => !NUMBER.test(c) && !NON_FINITE.test(c));
  const width = first.length;
  let labelColumn = -1;
  if (hasHeader) {
    const names = first.map((c) => c.replace(/^"(.*)"$/, '$1').trim().toLowerCase());
    labelColumn = names.indexOf('label');
    if (labelColumn >= 0 && names.lastIndexOf('label') !== labelColumn) throw new CodedError('data/invalid', `${path}: more than one "label" column`);
  }
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new CodedError('data/invalid', `${path}: a header but no data rows`);
  const d = width - (labelColumn >= 0 ? 1 : 0);

  const x = new Float64Array(body.length * d);
  const labels: number[] = [];
  body.forEach(({ line, cells }, r) => {
    if (cells.length !== width)
      throw new CodedError('data/invalid', `${path} line ${line}: ${cells.length} cells but ${hasHeader ? 'the header has' : 'the first row has'} ${width} (ragged rows)`);
    let j = 0;
    cells.forEach((cell, c) => {
      if (NON_FINITE.test(cell)) throw new CodedError('data/invalid', `${path} line ${line} column ${c + 1}: ${cell} is not a finite number`);
      if (!NUMBER.test(cell)) throw new CodedError('data/invalid', `${path} line ${line} column ${c + 1}: "${cell}" is not a number`);
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new CodedError('data/invalid', `${path} line ${line} column ${c + 1}: ${cell} overflows a float64`);
      if (c === labelColumn) labels.push(value);
      else x[r * d + j++] = value;
    });
  });
  return { x, n: body.length, sampleShape: [d], labels: labelColumn >= 0 ? labels : undefined };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CodedError('data/invalid', `${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** A nested array of finite numbers (or one number: shape []) as its shape and row-major float64 values. */
export function nestedArray(value: unknown, path: string, what: string): { shape: number[]; data: Float64Array } {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const walk = (v: unknown, depth: number, where: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new CodedError('data/invalid', `${path}: ${where} is ${JSON.stringify(v)}, not a number`);
      if (!Number.isFinite(v)) throw new CodedError('data/invalid', `${path}: ${where} is ${v}`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw new CodedError('data/invalid', `${path}: ${where} should be an array of ${shape[depth]} (ragged ${what}: every sample must have the first sample's shape [${shape.slice(1).join(', ')}])`);
    v.forEach((item, i) => walk(item, depth + 1, `${where}[${i}]`));
  };
  walk(value, 0, what);
  return { shape, data };
}

function jsonTable(parsed: unknown, path: string): Table {
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  const inputs = isObject ? (parsed as { inputs?: unknown }).inputs : parsed;
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new CodedError('data/invalid', `${path}: expected {"inputs": [...]} with at least one sample, or a bare nested array`);
  const { shape, data: x } = nestedArray(inputs, path, 'inputs');
  const rawLabels = isObject ? (parsed as { labels?: unknown }).labels : undefined;
  const labels = rawLabels === undefined ? undefined : checkLabelList(rawLabels, path);
  const rawBind = isObject ? (parsed as { bind?: unknown }).bind : undefined;
  if (rawBind !== undefined && (rawBind === null || typeof rawBind !== 'object' || Array.isArray(rawBind)))
    throw new CodedError('data/invalid', `${path}: "bind" should map input names to numbers or nested arrays`);
  const bind = rawBind ? Object.fromEntries(Object.entries(rawBind).map(([name, v]) => [name, nestedArray(v, path, `bind.${name}`)])) : undefined;
  return { x, n: shape[0], sampleShape: shape.slice(1), labels, ...(bind ? { bind } : {}) };
}

function checkLabelList(labels: unknown, path: string): number[] {
  if (!Array.isArray(labels)) throw new CodedError('data/invalid', `${path}: labels should be an array of numbers`);
  return labels.map((v, i) => {
    const value = Array.isArray(v) && v.length === 1 ? v[0] : v;
    if (typeof value !== 'number') throw new CodedError('data/invalid', `${path}: label ${i} is ${JSON.stringify(v)}, not a number`);
    return value;
  });
}
