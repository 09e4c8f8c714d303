// The run-end notice both hosts show (browser Notification, Electron Notification): which statuses deserve one,
// diverged told apart from failed, at most one per run, none while the app is in front or not allowed.
import { describe, expect, it } from 'vitest';
import { createRunNotifier, DIVERGED_CODE, type RunNotice, runNotice } from '../../src-main/contract/run-notice';

describe('runNotice', () => {
  it('tells finished, failed and diverged apart and stays quiet for the rest', () => {
    expect(runNotice({ runId: 3, status: 'done', error: null }, 'Fig. 1 small')).toEqual({ runId: 3, kind: 'finished', title: 'Finished: Fig. 1 small', body: 'Run #3 is done.' });
    expect(runNotice({ runId: 4, status: 'failed', error: { code: 'data/not-found', message: 'probe.json: no such file' } }, 'import')).toMatchObject({ kind: 'failed', title: 'Failed: import', body: 'data/not-found: probe.json: no such file' });
    expect(runNotice({ runId: 5, status: 'failed', error: { code: DIVERGED_CODE, message: 'outputs overflowed at step 812' } }, 'lr 10')).toMatchObject({ kind: 'diverged', title: 'Diverged: lr 10', body: 'outputs overflowed at step 812' });
    expect(runNotice({ runId: 6, status: 'failed', error: null }, ' ')).toMatchObject({ kind: 'failed', title: 'Failed: run 6' });
    for (const status of ['queued', 'running', 'cancelled', 'interrupted'] as const) expect(runNotice({ runId: 7, status, error: null }, 'x')).toBeNull();
  });
});

describe('createRunNotifier', () => {
  function host(over: { allowed?: boolean; watching?: boolean; nameFails?: boolean } = {}) {
    const shown: RunNotice[] = [];
    const state = { allowed: over.allowed ?? true, watching: over.watching ?? false };
    const notify = createRunNotifier({
      allowed: () => state.allowed,
      watching: () => state.watching,
      nameOf: async (id) => {
        if (over.nameFails) throw new Error('gone');
        return `run name ${id}`;
      },
      show: (n) => shown.push(n),
    });
    return { shown, state, notify };
  }

  it('shows each run’s end once, with its name', async () => {
    const { shown, notify } = host();
    expect(await notify({ runId: 1, status: 'running', error: null })).toBeNull();
    expect((await notify({ runId: 1, status: 'done', error: null }))?.title).toBe('Finished: run name 1');
    expect(await notify({ runId: 1, status: 'done', error: null })).toBeNull();
    await notify({ runId: 2, status: 'failed', error: { code: DIVERGED_CODE, message: 'NaN loss' } });
    expect(shown.map((n) => [n.runId, n.kind])).toEqual([
      [1, 'finished'],
      [2, 'diverged'],
    ]);
  });

  it('shows nothing while not allowed or while the app is in front, and tells a later end again', async () => {
    const { shown, state, notify } = host({ allowed: false });
    await notify({ runId: 1, status: 'done', error: null });
    state.allowed = true;
    state.watching = true;
    await notify({ runId: 1, status: 'done', error: null });
    expect(shown).toEqual([]);
    state.watching = false;
    await notify({ runId: 1, status: 'done', error: null });
    expect(shown).toHaveLength(1);
  });

  it('names a run it cannot look up by its number', async () => {
    const { shown, notify } = host({ nameFails: true });
    await notify({ runId: 9, status: 'done', error: null });
    expect(shown[0].title).toBe('Finished: run 9');
  });
});
