#!/usr/bin/env node
// Entry point of the `ntk-workbench` command. `npm run build` writes the CLI as JavaScript to out/main/cli.js; that
// file runs when it is at least as new as every file under src-main/ (and package.json), so no TypeScript is
// transpiled at start-up. A bare checkout, or any source edited after the last build, runs the TypeScript through
// tsx's loader (a runtime dependency) instead: a stale build is never used. NTK_CLI_SOURCE=1 forces the tsx path.
// The kernel commands (ntk, drift, analytic) first re-run node once with glibc's malloc tunables and V8's
// single-threaded GC (bin/process-tuning.js). Not the commands that record runs in a workspace (train, serve, sweep,
// reproduce, ...): a run's owner is judged alive by its pid, and a re-run child outlives a parent killed by SIGKILL by
// a moment, long enough for the next start to find the run still 'running' (test/fault/kill.test.ts). Not --help
// either.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runTuned } from './process-tuning.js';

const args = process.argv.slice(2);
const TUNED = new Set(['ntk', 'drift', 'analytic']);
if (TUNED.has(args[0]) && !args.includes('--help') && !args.includes('-h')) await runTuned();

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}out/main/cli.js`;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsFresh() {
  if (process.env.NTK_CLI_SOURCE === '1') return false;
  let builtMtime;
  try {
    builtMtime = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  return builtMtime >= Math.max(newestMtime(`${root}src-main`), statSync(`${root}package.json`).mtimeMs);
}

let main;
if (builtIsFresh()) {
  ({ main } = await import(built));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(args);
