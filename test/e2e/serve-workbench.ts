// Starts `ntk-workbench serve --port 0` on a fresh workspace and reads the URL (with its token) it prints; for the
// browser tests. The server is stopped with SIGTERM, which cancels running jobs and closes the workspace.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Workbench {
  readonly url: string;
  readonly workspace: string;
  stop(): Promise<void>;
}

export async function serveWorkbench(): Promise<Workbench> {
  if (!existsSync(join(root, 'out/renderer/index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first (npm run test:e2e does)');
  const workspace = mkdtempSync(join(tmpdir(), 'ntk-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/ntk-workbench.js'), 'serve', '--port', '0', '--workspace', workspace], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    workspace,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
