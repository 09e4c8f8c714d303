// Fault class: two processes writing one workspace at once (the app and the CLI, two CLIs). Both finish with every
// point they committed, the database checks ok; and when one of them is killed mid-write, the other carries on (it
// clears the lock the dead one left) and the dead one's run is interrupted at the next open.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import { repoRoot } from './fault-helpers';

const writer = fileURLToPath(new URL('./fixtures/concurrent-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ntk-fault-two-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Writer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  /** Resolves when a printed line matches. */
  line(match: (line: string) => boolean): Promise<string>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(db: string, name: string, batches: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, db, name, String(batches)], { cwd: repoRoot });
  const lines: string[] = [];
  const waiting: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) {
      lines.push(part);
      for (const w of waiting.filter((x) => x.match(part))) w.resolve(part);
    }
  });
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return {
    child,
    lines,
    line: (match) => {
      const seen = lines.find(match);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ match, resolve }));
    },
    exit,
  };
}

const lastCommitted = (w: Writer) => Math.max(-1, ...w.lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1])));
const runOf = (w: Writer) => Number(w.lines.find((l) => l.startsWith('run '))!.split(' ')[1]);

describe('two processes writing one workspace', () => {
  it('both finish with every point and the database checks ok', async () => {
    const db = join(dir, 'both.sqlite');
    const writers = [startWriter(db, 'a', 40), startWriter(db, 'b', 40)];
    const exits = await Promise.all(writers.map((w) => w.exit));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    const store = openStore(db);
    try {
      expect(store.check()).toEqual(['ok']);
      for (const w of writers) {
        const run = store.runs.get(runOf(w));
        expect(run.status).toBe('done');
        expect(Array.from(store.metrics.read(run.id).loss.steps)).toEqual(Array.from({ length: 800 }, (_, i) => i));
      }
      expect(store.projects.list().map((p) => p.name)).toEqual(['shared']);
    } finally {
      store.close();
    }
  });

  it('one killed mid-write: the other finishes, the dead one keeps what it committed and is interrupted', async () => {
    const db = join(dir, 'killed.sqlite');
    const survivor = startWriter(db, 'survivor', 60);
    const victim = startWriter(db, 'victim', 1_000_000);
    await victim.line((l) => l === 'committed 199');
    await survivor.line((l) => l.startsWith('committed'));
    victim.child.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');
    const committed = lastCommitted(victim);
    expect(await survivor.exit).toMatchObject({ code: 0 });
    const store = openStore(db);
    try {
      expect(store.check()).toEqual(['ok']);
      expect(store.runs.get(runOf(survivor)).status).toBe('done');
      expect(store.metrics.read(runOf(survivor)).loss.steps.length).toBe(1200);
      const dead = store.runs.get(runOf(victim));
      expect(dead.status).toBe('interrupted');
      const steps = Array.from(store.metrics.read(dead.id).loss.steps);
      expect(steps.slice(0, committed + 1)).toEqual(Array.from({ length: committed + 1 }, (_, i) => i));
    } finally {
      store.close();
    }
  });
});
