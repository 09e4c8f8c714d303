// kill -9 in the middle of a run, with a real child process: the database must open, the run must be marked
// interrupted, and every step the child saw committed must be there.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/node/store/store';
import { tempDir, tempStore } from './temp-store';
import { createStandInRun } from '../../helpers/stand-in-run';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

interface ChildLog {
  runId?: number;
  lastCommitted: number;
  bigFrom?: number;
  lines: string[];
}

/** Starts the writer and kills it with SIGKILL once `killWhen` says so; resolves with what it printed. */
function runAndKill(dbPath: string, killWhen: (log: ChildLog) => boolean, extraArgs: string[] = []): Promise<ChildLog> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, ...extraArgs], { cwd: repoRoot });
    const log: ChildLog = { lastCommitted: -1, lines: [] };
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        log.lines.push(line);
        const [word, value] = line.split(' ');
        if (word === 'run') log.runId = Number(value);
        if (word === 'committed') log.lastCommitted = Number(value);
        if (word === 'big') log.bigFrom = Number(value);
      }
      if (!killed && killWhen(log)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(log);
      else reject(new Error(`the writer exited by itself (${_code}): ${stderr}\n${log.lines.join('\n')}`));
    });
  });
}

const NAMES = ['loss', 'accuracy', 'paramNorm', 'relDrift'];

function expectCommittedSteps(dbPath: string, log: ChildLog) {
  const store = openStore(dbPath);
  try {
    expect(store.check()).toEqual(['ok']);
    expect(store.recovery.interruptedRuns).toContain(log.runId);
    const run = store.runs.get(log.runId!);
    expect(run.status).toBe('interrupted');
    expect(run.finished).not.toBeNull();
    expect(run.error?.message).toMatch(/ended without finishing/);
    const metrics = store.metrics.read(log.runId!);
    for (const name of NAMES) {
      const steps = metrics[name]?.steps ?? new Float64Array(0);
      // Every reported step is there, and nothing is missing in between (batches land whole).
      expect(steps.length).toBeGreaterThanOrEqual(log.lastCommitted + 1);
      expect(Array.from(steps.subarray(0, log.lastCommitted + 1))).toEqual(Array.from({ length: log.lastCommitted + 1 }, (_, i) => i));
      expect(steps[steps.length - 1]).toBe(steps.length - 1);
    }
    return { store: store.recovery, metrics };
  } finally {
    store.close();
  }
}

describe('store crash safety (SIGKILL)', () => {
  it('keeps every committed batch when the writer is killed mid-run, several times over', async () => {
    const dbPath = join(tempDir('ntk-crash-'), 'workbench.sqlite');
    // Kills land wherever the child is: mostly inside a commit (its fsyncs dominate), sometimes between batches.
    for (const commits of [2, 7, 13, 19, 30]) {
      const log = await runAndKill(dbPath, (l) => l.lastCommitted >= 25 * commits - 1);
      expect(log.lastCommitted).toBeGreaterThan(0);
      // The next child opened a database left by a killed one: it must have started cleanly too.
      expectCommittedSteps(dbPath, log);
    }
    const store = openStore(dbPath);
    try {
      expect(store.runs.list(store.projects.find('crash')!.id).map((r) => r.status)).toEqual(Array(5).fill('interrupted'));
    } finally {
      store.close();
    }
  });

  it('rolls back a transaction cut by the kill, clearing the lock the dead process left', async () => {
    const dbPath = join(tempDir('ntk-crash-'), 'workbench.sqlite');
    const log = await runAndKill(
      dbPath,
      (l) => {
        if (l.bigFrom === undefined) return false;
        // Let the huge batch get going (and spill pages into the database file) before the kill.
        const until = Date.now() + 400;
        while (Date.now() < until);
        return true;
      },
      ['100'],
    );
    expect(log.bigFrom).toBe(100);
    const { store, metrics } = expectCommittedSteps(dbPath, log);
    expect(store.clearedStaleLock).toBe(true);
    // None of the cut batch survived: its transaction was rolled back from the journal.
    for (const name of NAMES) expect(metrics[name].steps.length).toBe(log.lastCommitted + 1);
  });

  it('leaves alone a run whose process is still alive, and interrupts it once that process is gone', () => {
    const path = join(tempDir('ntk-crash-'), 'workbench.sqlite');
    const runner = openStore(path);
    const project = runner.projects.create('live');
    const run = createStandInRun(runner, project.id);
    runner.runs.markRunning(run.id);
    // A second client of the same workspace (the app while the CLI trains) must not touch the live run.
    const app = tempStore(path);
    expect(app.recovery.interruptedRuns).toEqual([]);
    expect(app.runs.get(run.id).status).toBe('running');
    runner.close();
    expect(app.markInterruptedRuns()).toEqual([run.id]);
    expect(app.runs.get(run.id).status).toBe('interrupted');
  });

  it('hands the queued runs of a host that is gone to one other host, or interrupts them', () => {
    const path = join(tempDir('ntk-crash-'), 'workbench.sqlite');
    const dead = openStore(path);
    const project = dead.projects.create('queue');
    const [a, b] = [1, 2].map((i) => createStandInRun(dead, project.id, `queued ${i}`).id);
    const draft = createStandInRun(dead, project.id, 'draft').id;
    for (const id of [b, a]) dead.runs.claimQueued(id);
    const live = tempStore(path);
    // Its host still lives: nobody may take its queue.
    expect(live.recoverQueuedRuns('requeue')).toEqual([]);
    dead.close();
    const other = tempStore(path);
    expect(live.recoverQueuedRuns('requeue')).toEqual([a, b]);
    // Claimed by `live` now (alive): a second host starting finds nothing to take.
    expect(other.recoverQueuedRuns('requeue')).toEqual([]);
    live.close();
    expect(other.recoverQueuedRuns('interrupt')).toEqual([a, b]);
    expect(other.runs.get(a)).toMatchObject({ status: 'interrupted', error: { message: expect.stringMatching(/ended before it started/) } });
    // A queued run nobody put in a queue is left alone, and only queued runs join a queue.
    expect(other.runs.get(draft).status).toBe('queued');
    expect(() => other.runs.claimQueued(a)).toThrow(expect.objectContaining({ code: 'store/invalid-state' }));
  });
});
