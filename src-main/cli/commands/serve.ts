// `ntk-workbench serve`: the browser bridge over a workspace. Opens the workbench service, serves the built renderer
// and the API on 127.0.0.1 with a fresh token, prints the URL to open, and closes everything on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkbenchService } from '../../node/service/workbench-service';
import type { OrphanedQueuedPolicy } from '../../node/store/runs';
import { defaultWorkspaceDir } from '../../node/store/workspace-dir';
import { DEFAULT_RENDERER_DIR, RENDERER_MISSING } from '../../server/static-files';
import { startWebServer, WEB_HOST } from '../../server/web-server';
import { UsageError } from '../usage-error';

export const serveUsage = `ntk-workbench serve [--port N] [--workspace DIR] [--host ${WEB_HOST}] [--concurrency N]
                    [--orphaned-queued requeue|interrupt]

  Serves the workbench UI (the renderer built by \`npm run build\` into out/renderer) and its API over HTTP and
  WebSocket on ${WEB_HOST} only, and prints the URL to open: http://${WEB_HOST}:PORT/?token=... The token is new at
  every start; requests without it are refused. --port 0 (the default) picks a free port. --workspace defaults to
  the per-user workspace the desktop app uses. Runs that a server or app killed earlier (kill -9, a crash) had
  queued are taken into this server's queue, or marked interrupted with --orphaned-queued interrupt. Stop with Ctrl+C.`;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not '${text}'`, serveUsage);
  return port;
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64, not '${text}'`, serveUsage);
  return n;
}

function parseOrphanedQueued(text: string | undefined): OrphanedQueuedPolicy | undefined {
  if (text === undefined || text === 'requeue' || text === 'interrupt') return text;
  throw new UsageError(`--orphaned-queued must be requeue or interrupt, not '${text}'`, serveUsage);
}

/** Resolves on the first SIGINT or SIGTERM; a second one while shutting down exits at once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '0' }, workspace: { type: 'string' }, host: { type: 'string', default: WEB_HOST }, concurrency: { type: 'string' }, 'orphaned-queued': { type: 'string' } },
    strict: true,
  });
  if (values.host !== WEB_HOST) {
    throw new UsageError(`--host must be ${WEB_HOST}: the token travels in clear HTTP, so the server listens on the loopback interface only`, serveUsage);
  }
  const port = parsePort(values.port);
  const concurrency = parseConcurrency(values.concurrency);
  const orphanedQueued = parseOrphanedQueued(values['orphaned-queued']);
  const workspaceDir = resolve(values.workspace ?? defaultWorkspaceDir());
  const rendererBuilt = existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'));
  if (!rendererBuilt) process.stderr.write(`warning: ${RENDERER_MISSING} (looked in ${DEFAULT_RENDERER_DIR}); the API is served meanwhile.\n`);

  const signal = untilSignal();
  const service = await createWorkbenchService({ workspaceDir, transport: 'web', concurrency, orphanedQueued });
  const server = await startWebServer({ service, port, host: WEB_HOST, rendererDir: DEFAULT_RENDERER_DIR }).catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  process.stdout.write(`ntk-workbench serving workspace ${workspaceDir}\nOpen ${server.url}\nPress Ctrl+C to stop.\n`);

  const received = await signal;
  process.stdout.write(`${received}: stopping (cancelling running jobs, closing the workspace)\n`);
  await server.close();
  await service.close();
  return 0;
}
