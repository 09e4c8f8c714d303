// The training job against a real store, in this thread and through the service's worker thread: a run whose
// parameters overflow under a large learning rate ends as a diverged run with the reason and step in its summary
// and every committed metric kept, never as an 'internal' failure (issue 9).
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseRunConfig } from '../../../src-main/node/config-file';
import type { RunState } from '../../../src-main/node/store/types';
import { runTrainJob } from '../../../src-main/node/jobs/train-job';
import { largeLrBce as largeLr } from '../../helpers/large-lr-config';
import { createTestService } from '../../helpers/test-service';
import { tempStore } from '../store/temp-store';

describe('runTrainJob', () => {
  it('stores a large-learning-rate BCE run as diverged (train/non-finite) with its reason, step and metrics', async () => {
    const store = tempStore();
    const project = store.projects.create('diverging');
    const run = store.runs.create(project.id, { kind: 'train', config: parseRunConfig(largeLr) });
    const statuses: RunState[] = [];
    const summary = await runTrainJob(store, run.id, { listener: { onStatus: (s) => statuses.push(s) } });
    expect(summary?.status).toBe('diverged');
    const stored = store.runs.get(run.id);
    expect(stored.status).toBe('failed');
    expect(stored.error?.code).toBe('train/non-finite');
    expect(stored.error?.message).toContain(`step ${summary?.divergedAt}`);
    expect(stored.summary).toMatchObject({ status: 'diverged', divergedAt: summary?.divergedAt, reason: summary?.reason });
    expect(statuses).toEqual(['running', 'failed']);
    const loss = store.metrics.read(run.id, { names: ['loss'] }).loss;
    expect(loss.steps.length).toBeGreaterThan(0);
    expect(Math.max(...loss.steps)).toBeLessThanOrEqual(summary?.divergedAt as number);
    expect(store.artifacts.get(run.id, 'params/final')).toBeDefined();
  });

  it('does the same through the service and its worker thread', async () => {
    const service = await createTestService('web');
    onTestFinished(() => service.dispose());
    const project = await service.handlers['projects:create']({ name: 'diverging' });
    const finished = new Promise<{ status: string; error: { code: string; message: string } | null }>((resolve) => {
      const off = service.subscribe('runs:status', (event) => {
        if (event.runId === run.id && ['done', 'failed', 'cancelled', 'interrupted'].includes(event.status)) {
          off();
          resolve(event);
        }
      });
    });
    const run = await service.handlers['runs:start']({ projectId: project.id, config: largeLr });
    const final = await finished;
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('train/non-finite');
    const stored = await service.handlers['runs:get']({ id: run.id });
    expect(stored.summary).toMatchObject({ status: 'diverged' });
    expect(final.error?.message).toContain(`step ${(stored.summary as { divergedAt: number }).divergedAt}`);
  });
});
