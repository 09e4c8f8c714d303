// bin/process-tuning.js: a process re-runs itself once with glibc's malloc tunables and V8's single-threaded GC (a
// user's own GLIBC_TUNABLES, GC flag and NTK_MALLOC_TUNABLES=0 are respected), shares stdio, passes its exit code and signals on, and a parent killed by
// SIGKILL takes the child with it. The CLI's own SIGINT path (stop a blocked kernel between blocks, exit 130) is in
// test/node/kernel-file/blocked-kernel-file.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { exited } from '../helpers/cli';
import { readFileSync } from 'node:fs';
import { GC_FLAG, MALLOC_TUNABLES, tunedNodeFlags } from '../../bin/process-tuning.js';

const glibc = process.platform === 'linux' && Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);
let script = '';

beforeAll(async () => {
  script = join(await mkdtemp(join(tmpdir(), 'ntk-tuned-')), 'tuned.mjs');
  const module = pathToFileURL(join(__dirname, '..', '..', 'bin', 'process-tuning.js')).href;
  await writeFile(
    script,
    [
      `import { runTuned } from ${JSON.stringify(module)};`,
      'await runTuned();',
      "process.on('SIGINT', () => { console.log('SIGINT'); process.exit(130); });",
      'console.log(JSON.stringify({ pid: process.pid, tunables: process.env.GLIBC_TUNABLES ?? null, flags: process.execArgv }));',
      "if (process.argv[2] === 'exit') process.exit(7);",
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  );
});

interface ChildInfo {
  readonly pid: number;
  readonly tunables: string | null;
  readonly flags: string[];
}

function start(mode: 'exit' | 'wait', env: Record<string, string | undefined> = {}, nodeFlags: string[] = []) {
  const base = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete base[key];
  const child = spawn(process.execPath, [...nodeFlags, script, mode], { env: base, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  const lines = new Promise<ChildInfo>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += String(chunk);
      const first = stdout.split('\n').find((line) => line.startsWith('{'));
      if (first) resolve(JSON.parse(first));
    }),
  );
  return { child, info: lines, exit: exited(child), stdout: () => stdout };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('tunedNodeFlags', () => {
  it('adds the GC flag once, after the flags node was given, unless they already say either way', () => {
    expect(tunedNodeFlags([])).toEqual([GC_FLAG]);
    expect(tunedNodeFlags(['--import', 'tsx'])).toEqual(['--import', 'tsx', GC_FLAG]);
    expect(tunedNodeFlags([GC_FLAG])).toEqual([GC_FLAG]);
    expect(tunedNodeFlags(['--no-single-threaded-gc'])).toEqual(['--no-single-threaded-gc']);
    expect(tunedNodeFlags(['--single_threaded_gc'])).toEqual(['--single_threaded_gc']);
    expect(tunedNodeFlags(['--single-threaded'])).toEqual(['--single-threaded', GC_FLAG]);
  });

  it('is a flag this node accepts, and `npm run serve` (not re-run: it records runs) starts node with it', async () => {
    const run = spawn(process.execPath, [GC_FLAG, '-e', 'process.exit(3)'], { stdio: 'ignore' });
    expect((await exited(run)).code).toBe(3);
    const scripts = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.serve.split(' ')).toContain(GC_FLAG);
  });
});

describe.runIf(glibc)('runTuned (glibc)', () => {
  it('re-runs once with the tunables and the GC flag and ends with the child exit code', async () => {
    const run = start('exit', { GLIBC_TUNABLES: undefined, NTK_MALLOC_TUNABLES: undefined });
    const info = await run.info;
    expect(info.tunables).toBe(MALLOC_TUNABLES);
    expect(info.flags).toEqual([GC_FLAG]);
    expect(info.pid).not.toBe(run.child.pid);
    expect((await run.exit).code).toBe(7);
    expect(run.stdout().split('\n').filter((l) => l.startsWith('{'))).toHaveLength(1);
  });

  it("leaves a user's own GLIBC_TUNABLES alone, and NTK_MALLOC_TUNABLES=0 turns it off", async () => {
    const own = start('exit', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(await own.info).toEqual({ pid: own.child.pid, tunables: 'glibc.malloc.arena_max=2', flags: [] });
    const off = start('exit', { GLIBC_TUNABLES: undefined, NTK_MALLOC_TUNABLES: '0' });
    expect(await off.info).toEqual({ pid: off.child.pid, tunables: null, flags: [] });
    expect((await own.exit).code).toBe(7);
    expect((await off.exit).code).toBe(7);
  });

  it("keeps the node flags it was started with, and a GC flag of the user's own", async () => {
    const run = start('exit', { GLIBC_TUNABLES: undefined, NTK_MALLOC_TUNABLES: undefined }, ['--no-single-threaded-gc', '--stack-size=900']);
    const info = await run.info;
    expect(info.tunables).toBe(MALLOC_TUNABLES);
    expect(info.flags).toEqual(['--no-single-threaded-gc', '--stack-size=900']);
    expect((await run.exit).code).toBe(7);
  });

  it('passes SIGINT on to the child once and ends with its exit code', async () => {
    const run = start('wait', { GLIBC_TUNABLES: undefined, NTK_MALLOC_TUNABLES: undefined });
    await run.info;
    run.child.kill('SIGINT');
    expect((await run.exit).code).toBe(130);
    expect(run.stdout().match(/SIGINT/g)).toHaveLength(1);
  });

  it('a parent killed by SIGKILL takes the child with it', async () => {
    const run = start('wait', { GLIBC_TUNABLES: undefined, NTK_MALLOC_TUNABLES: undefined });
    const { pid } = await run.info;
    run.child.kill('SIGKILL');
    await run.exit;
    for (let tries = 0; alive(pid) && tries < 100; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });
});
