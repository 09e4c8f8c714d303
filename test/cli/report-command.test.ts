// `ntk-workbench report` end to end as a user runs it: a small training run recorded both as a run folder and in a
// workspace, then reports by folder, by id, by name within a project, a comparison, a project report and the data
// formats; every format for a training run, an import run (written into the workspace as import-job.ts records one),
// a comparison and a project; bad input exits with a coded error and writes nothing.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { float64s, readNpy } from '../helpers/npy-reader';
import { createSyntheticImportRun } from '../helpers/report-runs';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ntk-report-cli-'));
const workspace = join(dir, 'ws');
const bin = join(__dirname, '..', '..', 'bin', 'ntk-workbench.js');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, NTK_BACKEND: 'cpu', NTK_WORKSPACE: workspace } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const config = (name: string, width: number) => ({
  name,
  seed: 1,
  steps: 30,
  model: { arch: 'fcn', depth: 2, width },
  loss: { kind: 'bce' },
  optimizer: { kind: 'gd', lr: 1 },
  data: { kind: 'circle', n: 4 },
  ntk: { circleSweep: 21 },
  logging: { metrics: { logSpaced: 10 }, kernels: { logSpaced: 4 } },
});

beforeAll(async () => {
  for (const [name, width] of [['narrow', 16], ['wide', 48]] as const) {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(config(name, width)));
    const trained = await cli(['train', '--config', join(dir, `${name}.json`), '--out', join(dir, name), '--project', 'reports', '--quiet']);
    expect(trained.code, trained.stderr).toBe(0);
  }
});

describe('ntk-workbench report', () => {
  it('reports a run folder and the same run from the workspace', async () => {
    const folder = await cli(['report', join(dir, 'narrow'), '--format', 'html', '--out', join(dir, 'folder.html')]);
    expect(folder.code, folder.stderr).toBe(0);
    const stored = await cli(['report', 'narrow', '--project', 'reports', '--format', 'html', '--out', join(dir, 'stored.html')]);
    expect(stored.code, stored.stderr).toBe(0);
    const lambda = (html: string) => /λ₀ = λ_min of the analytic kernel<\/td><td>([^<]+)</.exec(html)?.[1];
    const a = readFileSync(join(dir, 'folder.html'), 'utf8');
    const b = readFileSync(join(dir, 'stored.html'), 'utf8');
    expect(lambda(a)).toMatch(/^\d/);
    expect(lambda(a)).toBe(lambda(b));
    expect((a.match(/<figure/g) ?? []).length).toBe((b.match(/<figure/g) ?? []).length);
    expect(a).toContain('ntk-workbench train --config narrow.config.json --out narrow');
  });

  it('compares runs by id, reports the project, and exports data', async () => {
    const compare = await cli(['report', '1', '2', '--format', 'html', '--out', join(dir, 'compare.html')]);
    expect(compare.code, compare.stderr).toBe(0);
    expect(readFileSync(join(dir, 'compare.html'), 'utf8')).toContain('Config fields that differ');
    const project = await cli(['report', '--project', 'reports', '--format', 'pdf', '--out', join(dir, 'project.pdf')]);
    expect(project.code, project.stderr).toBe(0);
    expect(project.stdout).toContain('project "reports"');
    expect(readFileSync(join(dir, 'project.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const data = await Promise.all([
      cli(['report', '1', '--format', 'csv', '--out', join(dir, 'm.csv')]),
      cli(['report', '1', '--format', 'npy', '--out', join(dir, 'arrays')]),
      cli(['report', '2', '--format', 'onnx', '--out', join(dir, 'wide.onnx')]),
    ]);
    for (const r of data) expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'm.csv'), 'utf8').split('\n')[0]).toBe('run,step,wall_time,name,value');
    expect(existsSync(join(dir, 'arrays', 'kernels.npz'))).toBe(true);
    expect(readFileSync(join(dir, 'wide.onnx')).byteLength).toBeGreaterThan(4 * 48 * 48);
  });

  it('every format for a training run, an import run, a comparison and a project', { timeout: 600_000 }, async () => {
    const store = openStore(storePathIn(workspace));
    const importId = createSyntheticImportRun(store, 'reports', [0, 10, 100]);
    store.close();
    const targets: [what: string, args: string[], runs: string[]][] = [
      ['train', ['1'], ['narrow']],
      ['import', [String(importId)], ['mlp checkpoints']],
      ['compare', ['1', String(importId)], ['narrow', 'mlp checkpoints']],
      ['project', ['--project', 'reports'], ['narrow', 'wide', 'mlp checkpoints']],
    ];
    const svgsIn = (folder: string): string[] => readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.svg'));
    for (const [what, args, runs] of targets) {
      const out = (ext: string) => join(dir, `all-${what}${ext}`);
      const formats = ['html', 'pdf', 'csv', 'json', 'npy', 'figures', 'onnx'] as const;
      const results = await Promise.all(formats.map((f) => cli(['report', ...args, '--format', f, '--out', out({ npy: '-arrays', figures: '-figures' }[f as string] ?? `.${f}`)])));
      const byFormat = Object.fromEntries(formats.map((f, i) => [f, results[i]]));
      for (const f of formats.filter((f) => f !== 'onnx')) expect(byFormat[f].code, `${what} ${f}: ${byFormat[f].stderr}`).toBe(0);
      const html = readFileSync(out('.html'), 'utf8');
      expect(html).toMatch(/<svg/);
      for (const name of runs) expect(html).toContain(name);
      expect(readFileSync(out('.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      const csv = readFileSync(out('.csv'), 'utf8').split('\n');
      expect(csv[0]).toBe('run,step,wall_time,name,value');
      expect(new Set(csv.slice(1).filter(Boolean).map((row) => /^"?([^",]+)/.exec(row)?.[1]))).toEqual(new Set(runs));
      expect(JSON.parse(readFileSync(out('.json'), 'utf8')).runs.map((r: { name: string }) => r.name).sort()).toEqual([...runs].sort());
      const sidecars = readdirSync(out('-arrays'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('arrays.json'));
      expect(sidecars).toHaveLength(runs.length);
      expect(svgsIn(out('-figures')).length, `${what} figures`).toBeGreaterThan(2);
      if (what === 'train') {
        expect(byFormat.onnx.code, byFormat.onnx.stderr).toBe(0);
        expect(readFileSync(out('.onnx')).byteLength).toBeGreaterThan(4 * 16 * 16);
      } else {
        // ONNX is of one trained network: an import run already is ONNX, a comparison or a project is several runs.
        expect(byFormat.onnx.code).toBe(1);
        expect(byFormat.onnx.stderr).toContain('[data/invalid]');
        expect(existsSync(out('.onnx'))).toBe(false);
      }
    }
    const importK0 = readNpy(readFileSync(join(dir, 'all-import-arrays', 'kernels', 'step-000000000-trace.npy')));
    expect(importK0.shape).toEqual([8, 8]);
    // createSyntheticImportRun's first kernel is kernelAt(8, 0): 1.5 on the diagonal.
    expect(float64s(importK0)[0]).toBe(1.5);
  });

  it('bad input: coded errors, nothing written', async () => {
    const missing = await cli(['report', '999', '--format', 'html', '--out', join(dir, 'x.html')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[store/not-found]');
    const folder = await cli(['report', '1', '--format', 'html', '--out', join(dir, 'no-such-folder', 'x.html')]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('[io/failed]');
    const format = await cli(['report', '1', '--format', 'docx', '--out', join(dir, 'x.docx')]);
    expect(format.code).toBe(2);
    expect(existsSync(join(dir, 'x.html')) || existsSync(join(dir, 'x.docx'))).toBe(false);
  });
});
