// `ntk-workbench serve` as a user starts it: prints the URL with the token, answers on it, and on SIGTERM/SIGINT
// closes the service and exits 0; a host other than 127.0.0.1 is a usage error.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(__dirname, '..', '..', 'bin', 'ntk-workbench.js');
let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'ntk-serve-'));
});
afterAll(async () => rm(workspace, { recursive: true, force: true }));

function startServe(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, NTK_BACKEND: 'cpu' } });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', () => reject(new Error(`serve exited before printing its URL:\n${output}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, url, exit };
}

describe('ntk-workbench serve', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints its URL, answers with the token, and stops cleanly on ${signal}`, async () => {
      const serve = startServe(['--port', '0', '--workspace', workspace]);
      try {
        const url = new URL(await serve.url);
        const token = url.searchParams.get('token') ?? '';
        expect(token.length).toBeGreaterThanOrEqual(43);
        const listed = await fetch(`${url.origin}/api/projects`, { headers: { Authorization: `Bearer ${token}` } });
        expect(await listed.json()).toMatchObject({ ok: true });
        expect((await fetch(`${url.origin}/api/projects`)).status).toBe(401);
        const info = await (await fetch(`${url.origin}/api/app/info?token=${token}`)).json();
        expect(info).toMatchObject({ ok: true, value: { transport: 'web', workspace } });
      } finally {
        serve.child.kill(signal);
      }
      expect(await serve.exit).toBe(0);
      expect(serve.output()).toMatch(new RegExp(`${signal}: stopping`));
    });
  }

  it('cancels a running job on SIGTERM, so the next start finds the run cancelled, not interrupted', async () => {
    const call = async (origin: string, token: string, path: string, body: unknown) =>
      (await fetch(`${origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json() as Promise<{
        ok: boolean;
        value: { id: number; status: string };
      }>;
    const first = startServe(['--workspace', workspace]);
    const url = new URL(await first.url);
    const token = url.searchParams.get('token') ?? '';
    const project = await call(url.origin, token, 'projects/create', { name: 'shutdown' });
    const config = { steps: 1_000_000, model: { arch: 'fcn', depth: 1, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } };
    const run = await call(url.origin, token, 'runs/start', { projectId: project.value.id, config });
    while ((await call(url.origin, token, 'runs/get', { id: run.value.id })).value.status !== 'running') await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = startServe(['--workspace', workspace]);
    try {
      const again = new URL(await second.url);
      const stored = await call(again.origin, again.searchParams.get('token') ?? '', 'runs/get', { id: run.value.id });
      expect(stored.value.status).toBe('cancelled');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exit).toBe(0);
  });

  it('after kill -9, the next start interrupts the running run and re-queues the queued one (or interrupts it too), and cancels any queued run', async () => {
    type RunValue = { id: number; status: string; error: { code: string | null; message: string } | null };
    const call = async (origin: string, token: string, path: string, body: unknown) =>
      (await fetch(`${origin}/api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json() as Promise<{
        ok: boolean;
        code?: string;
        value: RunValue;
      }>;
    const long = { steps: 1_000_000, model: { arch: 'fcn', depth: 1, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } };
    const short = { ...long, steps: 20 };
    for (const policy of ['requeue', 'interrupt'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'ntk-orphan-'));
      try {
        const first = startServe(['--workspace', dir, '--concurrency', '1']);
        const url = new URL(await first.url);
        const token = url.searchParams.get('token') ?? '';
        const project = await call(url.origin, token, 'projects/create', { name: 'orphans' });
        const running = await call(url.origin, token, 'runs/start', { projectId: project.value.id, config: long });
        const queued = await call(url.origin, token, 'runs/start', { projectId: project.value.id, config: short });
        while ((await call(url.origin, token, 'runs/get', { id: running.value.id })).value.status !== 'running') await new Promise((r) => setTimeout(r, 100));
        expect((await call(url.origin, token, 'runs/get', { id: queued.value.id })).value.status).toBe('queued');
        first.child.kill('SIGKILL');
        await first.exit;

        const second = startServe(['--workspace', dir, ...(policy === 'interrupt' ? ['--orphaned-queued', 'interrupt'] : [])]);
        try {
          const again = new URL(await second.url);
          const token2 = again.searchParams.get('token') ?? '';
          const get = async (id: number) => (await call(again.origin, token2, 'runs/get', { id })).value;
          expect((await get(running.value.id)).status).toBe('interrupted');
          if (policy === 'requeue') {
            let status = (await get(queued.value.id)).status;
            for (let tries = 0; !['done', 'failed'].includes(status) && tries < 600; tries++) {
              await new Promise((r) => setTimeout(r, 100));
              status = (await get(queued.value.id)).status;
            }
            expect(status).toBe('done');
          } else {
            const orphan = await get(queued.value.id);
            expect(orphan.status).toBe('interrupted');
            expect(orphan.error?.message).toMatch(/ended before it started/);
          }
          // A queued run that no job queue holds (a duplicate nobody started) can be cancelled too.
          const draft = await call(again.origin, token2, 'runs/duplicate', { id: queued.value.id });
          expect(draft.value.status).toBe('queued');
          const cancelled = await call(again.origin, token2, 'runs/cancel', { id: draft.value.id });
          expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled' } });
          expect((await call(again.origin, token2, 'runs/cancel', { id: draft.value.id })).code).toBe('store/invalid-state');
        } finally {
          second.child.kill('SIGTERM');
        }
        expect(await second.exit).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);

  it('refuses a host other than 127.0.0.1 and a bad port with usage errors', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [bin, 'serve', ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
    const host = await run(['--host', '0.0.0.0', '--workspace', workspace]);
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/--host must be 127\.0\.0\.1/);
    const port = await run(['--port', 'eighty', '--workspace', workspace]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be an integer/);
  });
});
