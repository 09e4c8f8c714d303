// Data exports of a stored run keep every point and every bit: the long and wide CSV parse back to the store's
// metrics exactly, the JSON too, and the npy folder's kernels, spectra and parameters read back byte-exactly through
// an independent reader. Bad input: coded errors, and the store file is unchanged by any report.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeParamsArtifact } from '../../../src-main/node/jobs/params-artifact';
import { writeReport } from '../../../src-main/node/report/report-writer';
import { findStoreRun, storeReportRun } from '../../../src-main/node/report/store-run';
import { openStore, type Store } from '../../../src-main/node/store/store';
import { storePathIn } from '../../../src-main/node/store/workspace-dir';
import { createSyntheticRun, SMALL } from '../../helpers/report-runs';
import { float32s, float64s, readNpy, readZip } from '../../helpers/npy-reader';

let dir: string;
let store: Store;
let runId: number;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** RFC 4180 rows (quoted fields with doubled quotes), written here rather than borrowed from the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  return rows;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-report-'));
  store = openStore(storePathIn(dir));
  runId = createSyntheticRun(store, 'reports', { ...SMALL, name: 'csv, "quoted" run' });
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const report = (format: 'csv' | 'json' | 'npy' | 'html' | 'figures', out: string) => writeReport({ format, out, runs: [storeReportRun(store, store.runs.get(runId), dir)] });

describe('metric exports', () => {
  it('long CSV parses back to the stored metrics exactly, NaN included', async () => {
    const out = join(dir, 'm.csv');
    const result = await report('csv', out);
    expect(result.files).toEqual([out, join(dir, 'm.wide.csv')]);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['run', 'step', 'wall_time', 'name', 'value']);
    const stored = store.metrics.read(runId);
    const total = Object.values(stored).reduce((s, m) => s + m.steps.length, 0);
    expect(rows.length).toBe(total);
    for (const [run, step, wall, name, value] of rows) {
      expect(run).toBe('csv, "quoted" run');
      const m = stored[name];
      const i = Array.prototype.indexOf.call(m.steps, Number(step)) as number;
      expect(i).toBeGreaterThanOrEqual(0);
      expect(Number(wall)).toBe(m.wallTimes[i]);
      expect(Object.is(Number(value), m.values[i])).toBe(true);
    }
    expect(rows.some((r) => r[3] === 'loss' && r[4] === 'NaN')).toBe(true);
  });

  it('wide CSV has one row per step and one exact column per metric', async () => {
    await report('csv', join(dir, 'w.csv'));
    const [header, ...rows] = parseCsv(readFileSync(join(dir, 'w.wide.csv'), 'utf8'));
    const stored = store.metrics.read(runId);
    expect(header.slice(0, 3)).toEqual(['run', 'step', 'wall_time']);
    expect(header.slice(3).sort()).toEqual(Object.keys(stored).sort());
    expect(rows.length).toBe(stored.loss.steps.length);
    for (const [column, name] of header.slice(3).entries()) {
      const m = stored[name];
      rows.forEach((r, i) => {
        expect(Number(r[1])).toBe(m.steps[i]);
        expect(Object.is(Number(r[3 + column]), m.values[i])).toBe(true);
      });
    }
  });

  it('JSON holds every point (NaN as null) with the record', async () => {
    await report('json', join(dir, 'm.json'));
    const json = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    const stored = store.metrics.read(runId);
    const run = json.runs[0];
    expect(run.id).toBe(runId);
    expect(run.summary.lambda0).toBe(0.41);
    for (const [name, m] of Object.entries(stored)) {
      expect(run.metrics[name].steps).toEqual(Array.from(m.steps));
      expect(run.metrics[name].values).toEqual(Array.from(m.values, (v) => (Number.isNaN(v) ? null : v)));
    }
  });
});

describe('array exports', () => {
  it('writes kernels, spectra and parameters that read back byte-exactly', async () => {
    const out = join(dir, 'arrays');
    await report('npy', out);
    const sidecar = JSON.parse(readFileSync(join(out, 'arrays.json'), 'utf8'));
    expect(sidecar.ordering).toMatch(/sample-major/);
    const infos = store.kernels.list(runId);
    expect(sidecar.kernels.map((k: { step: number }) => k.step)).toEqual(infos.map((k) => k.step));
    const npz = readZip(readFileSync(join(out, 'kernels.npz')));
    for (const entry of sidecar.kernels as { step: number; file: string; key: string; shape: number[] }[]) {
      const stored = store.kernels.get(runId, entry.step, 'full');
      const file = readNpy(readFileSync(join(out, entry.file)));
      expect(file.shape).toEqual([SMALL.n, SMALL.n]);
      expect(Buffer.from(float64s(file).buffer).equals(Buffer.from((stored?.data as Float64Array).buffer))).toBe(true);
      expect(Buffer.from(npz.get(`${entry.key}.npy`) as Uint8Array).equals(readFileSync(join(out, entry.file)))).toBe(true);
    }
    const spectra = readNpy(readFileSync(join(out, 'spectra.npy')));
    expect(spectra.shape).toEqual([infos.length, SMALL.n]);
    const values = float64s(spectra);
    infos.forEach((info, i) => expect(Array.from(values.subarray(i * SMALL.n, (i + 1) * SMALL.n))).toEqual(Array.from(store.kernels.get(runId, info.step)?.eigenvalues ?? [])));
    const artifact = store.artifacts.get(runId, 'params/final');
    const params = decodeParamsArtifact(artifact?.bytes as Uint8Array, artifact?.meta ?? {});
    const members = readZip(readFileSync(join(out, 'params-final.npz')));
    for (const p of params) {
      const read = readNpy(members.get(`${p.name}.npy`) as Uint8Array);
      expect(read.shape).toEqual(p.shape);
      expect(Buffer.from(float32s(read).buffer).equals(Buffer.from(p.values.buffer, p.values.byteOffset, p.values.byteLength))).toBe(true);
    }
  });
});

describe('figures', () => {
  it('writes each chart as SVG and PDF at the size in inches, with the plotted data as CSV', async () => {
    const out = join(dir, 'figures');
    await writeReport({ format: 'figures', out, runs: [storeReportRun(store, store.runs.get(runId), dir)], figureSize: { widthIn: 5, heightIn: 3 } });
    const files = readdirSync(out).sort();
    for (const id of ['loss', 'drift', 'sweep', 'spectrum-all', 'heatmap-kt-200']) expect(files).toEqual(expect.arrayContaining([`${id}.svg`, `${id}.pdf`, `${id}.csv`]));
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg width="5in" height="3in"[^>]*viewBox="0 0 480 288"/);
    expect(readFileSync(join(out, 'loss.pdf')).toString('latin1')).toMatch(/\/MediaBox \[0 0 360 216\]/);
    const [header, ...rows] = parseCsv(readFileSync(join(out, 'loss.csv'), 'utf8'));
    expect(header).toEqual(['series', 'x', 'y', 'value', 'step']);
    const loss = store.metrics.read(runId).loss;
    const stored = new Map(Array.from(loss.steps, (step, i) => [step, loss.values[i]]));
    expect(rows.length).toBeGreaterThan(10);
    // x is log10 step (the report's axis), y the stored value at that step, exactly.
    for (const [, x, y, , step] of rows) {
      expect(Number(step)).toBe(Math.round(10 ** Number(x)));
      expect(Number(y)).toBe(stored.get(Number(step)));
    }
  });
});

describe('bad input', () => {
  it('gives coded errors and leaves the store file as it was', async () => {
    const path = storePathIn(dir);
    store.close();
    const before = sha(path);
    store = openStore(path);
    expect(() => findStoreRun(store, '999')).toThrow(expect.objectContaining({ code: 'store/not-found' }));
    expect(() => findStoreRun(store, 'no such run')).toThrow(expect.objectContaining({ code: 'store/not-found' }));
    await expect(report('html', join(dir, 'missing-folder', 'r.html'))).rejects.toMatchObject({ code: 'io/failed' });
    await expect(report('html', dir)).rejects.toMatchObject({ code: 'io/failed' });
    await report('npy', join(dir, 'again'));
    await expect(report('npy', join(dir, 'again'))).rejects.toMatchObject({ code: 'io/failed' });
    await report('html', join(dir, 'ok.html'));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    store.close();
    expect(sha(path)).toBe(before);
    store = openStore(path);
  });
});
