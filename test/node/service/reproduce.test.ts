// The app's Reproduce entry through the service: 'reproduce:start' queues an experiment's runs in the project (tagged
// with it), 'reproduce:panels' draws the figure from the finished ones, the same panels as the CLI's. Fig. 2 reduced
// (two widths, one seed, 0 steps each) keeps it quick; dynamics is refused where the build has no dynamics metrics.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reproduceTag } from '../../../src-main/contract/reproduce';
import { runConfigSchema } from '../../../src-main/contract/run-config';
import { createWorkbenchService } from '../../../src-main/node/service/workbench-service';
import type { WorkbenchService } from '../../../src-main/node/service/workbench-service-types';
import { drawnLineCount } from '../../helpers/svg-series';

let service: WorkbenchService;
let workspaceDir: string;

function finished(runId: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId} did not finish`)), 120_000);
    const check = async () => {
      const run = await service.handlers['runs:get']({ id: runId });
      if (['done', 'failed', 'cancelled'].includes(run.status)) {
        clearTimeout(timer);
        off();
        resolve(run.status);
      }
    };
    const off = service.subscribe('runs:status', (event) => {
      if (event.runId === runId) void check();
    });
    void check();
  });
}

beforeAll(async () => {
  workspaceDir = await mkdtemp(join(tmpdir(), 'ntk-reproduce-service-'));
  service = await createWorkbenchService({ workspaceDir, transport: 'web' });
});
afterAll(async () => {
  await service.close();
  await rm(workspaceDir, { recursive: true, force: true });
});

describe('reproduce through the service', () => {
  it('starts fig2 in the project and draws its panels from the finished runs', async () => {
    const project = await service.handlers['projects:create']({ name: 'reproduce' });
    const before = await service.handlers['reproduce:panels']({ projectId: project.id, experiment: 'fig2' });
    expect(before).toMatchObject({ total: 0, done: 0, panels: [] });
    const started = await service.handlers['reproduce:start']({ projectId: project.id, experiment: 'fig2', scale: 'small', widths: [16, 64], seeds: [0] });
    expect(started).toHaveLength(2);
    for (const run of started) expect(run.tags).toContain(reproduceTag('fig2'));
    const outcomes = await Promise.all(started.map((r) => finished(r.id)));
    expect(outcomes).toEqual(['done', 'done']);
    const figure = await service.handlers['reproduce:panels']({ projectId: project.id, experiment: 'fig2' });
    expect(figure).toMatchObject({ total: 2, done: 2, note: null });
    expect(figure.panels.map((p) => p.id)).toEqual(['fig2-a', 'fig2-b', 'fig2-gap']);
    // Per width: one curve per seed (one here) and the analytic kernel.
    expect(drawnLineCount(figure.panels[0].svg)).toBe(2);
    expect(figure.comparisons.length).toBeGreaterThan(0);
  }, 300_000);

  it.runIf(!('dynamics' in runConfigSchema.shape))('refuses dynamics with config/invalid where the build has no dynamics metrics', async () => {
    const project = await service.handlers['projects:create']({ name: 'dynamics' });
    await expect(Promise.resolve().then(() => service.handlers['reproduce:start']({ projectId: project.id, experiment: 'dynamics', scale: 'small' }))).rejects.toMatchObject({ code: 'config/invalid' });
    expect(await service.handlers['runs:list']({ projectId: project.id })).toHaveLength(0);
  });
});
