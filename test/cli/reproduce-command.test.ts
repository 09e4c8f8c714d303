// `reproduce` as a user runs it, reduced (hidden overrides --steps and --widths): fig1 writes its panel as SVG, PDF
// and CSV, the data, the comparison table and the report, prints the measured-vs-paper table, and a second call
// reuses the completed run and merges it into the workspace project "Reproduce fig1". Bad input is a usage error.
import { mkdtempSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { drawnLineCount } from '../helpers/svg-series';

const root = mkdtempSync(join(tmpdir(), 'ntk-reproduce-cli-'));

describe('ntk-workbench reproduce', () => {
  it('fig1 --scale small, reduced: panel files, data, report and the table of measured vs paper values', async () => {
    const out = join(root, 'fig1');
    const args = ['reproduce', 'fig1', '--scale', 'small', '--steps', '400', '--widths', '64', '--out', out, '--quiet'];
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/fig1: 1 runs, 1 panels/);
    expect(first.stdout).toMatch(/experiment\s+quantity\s+measured\s+paper/);
    expect(first.stdout).toContain('linear in log t');
    const files = await readdir(join(out, 'fig1'));
    for (const name of ['fig1.svg', 'fig1.pdf', 'fig1.csv', 'data.json', 'comparison.csv', 'report.html', 'report.pdf']) expect(files).toContain(name);
    // Six circle points, one output each: six lines f_t(x_i).
    expect(drawnLineCount(await readFile(join(out, 'fig1', 'fig1.svg'), 'utf8'))).toBe(6);
    const data = JSON.parse(await readFile(join(out, 'fig1', 'data.json'), 'utf8')) as { width: number; steps: number; lambda0: number };
    expect(data.width).toBe(64);
    expect(data.steps).toBe(400);
    expect(data.lambda0).toBeGreaterThan(0);
    // Again with a workspace: the completed run is reused and merged into the experiment's project.
    const workspace = join(root, 'workspace');
    const again = await runCli([...args.filter((a) => a !== '--quiet'), '--workspace', workspace]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('reused (already completed)');
    expect(again.stdout).toContain(`runs in project "Reproduce fig1" of ${workspace}`);
  });

  it('rejects an unknown experiment and a bad scale with usage errors', async () => {
    const unknown = await runCli(['reproduce', 'fig9', '--out', join(root, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown experiment fig9');
    const scale = await runCli(['reproduce', 'fig1', '--scale', 'huge', '--out', join(root, 'x')]);
    expect(scale.code).toBe(2);
    expect(scale.stderr).toContain('unknown --scale huge');
  });
});
