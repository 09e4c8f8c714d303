// Read latency of the web bridge while a run streams (issue 9, item 4): 500 GET /api/projects and 500 metric reads
// of the streaming run at concurrency 50, p50/p99, with a training run committing metrics every step in its worker
// thread, then the same without a run (the ratio is what matters on a shared machine). Figures, not assertions.
// Standalone: node --import tsx bench/stream-read-bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWorkbenchService } from '../src-main/node/service/workbench-service';
import { startWebServer } from '../src-main/server/web-server';
import type { Row } from './measure';
import { printTable } from './measure';

const REQUESTS = 500;
const CONCURRENCY = 50;

/** A small run that records metrics every step and a kernel every 50 steps, long enough to outlast the reads. */
const STREAMING_RUN = {
  name: 'streaming',
  seed: 0,
  steps: 1_000_000,
  model: { arch: 'fcn', depth: 2, width: 64 },
  loss: { kind: 'bce' },
  optimizer: { kind: 'gd', lr: 0.01 },
  data: { kind: 'circle', n: 6 },
  logging: { metrics: { every: 1 }, kernels: { every: 50 } },
};

interface Latencies {
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

type Answer = { ok: boolean; code?: string };

/** One HTTP request on a kept-alive connection of `agent`; resolves with the parsed JSON body. */
function sendOnce(agent: Agent, url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(JSON.parse(text) as Answer));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * As a browser does, a request whose kept-alive connection the server closed meanwhile (its keep-alive timeout can
 * pass while a loaded machine keeps it from reading the next request) is sent again on a new one; the latency
 * counts both.
 */
let resent = 0;

async function send(agent: Agent, url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendOnce(agent, url, headers, body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET' || attempt >= 4) throw error;
      resent++;
    }
  }
}

/** `REQUESTS` requests, `CONCURRENCY` in flight at once; latencies in ms. */
async function load(call: () => Promise<Answer>): Promise<Latencies> {
  const times: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < REQUESTS) {
      next++;
      const t0 = performance.now();
      const body = await call();
      if (!body.ok) throw new Error(`a read failed during the bench: ${body.code}`);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

export async function benchStreamReads(): Promise<Row[]> {
  const workspaceDir = mkdtempSync(join(tmpdir(), 'ntk-stream-bench-'));
  const service = await createWorkbenchService({ workspaceDir, transport: 'web' });
  const server = await startWebServer({ service, rendererDir: null });
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  // One kept-alive connection per concurrent client, as a browser's.
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rows: Row[] = [];
  try {
    const { handlers } = service;
    const project = await handlers['projects:create']({ name: 'bench' });
    for (let i = 0; i < 20; i++) await handlers['projects:create']({ name: `other ${i}` });
    const run = await handlers['runs:start']({ projectId: project.id, config: STREAMING_RUN });
    const listProjects = () => send(agent, `${server.origin}/api/projects`, headers);
    // The last 100 steps of the loss, as a chart that follows a live run asks for them.
    let fromStep = 0;
    const readMetric = () => send(agent, `${server.origin}/api/runs/metrics`, headers, { id: run.id, names: ['loss'], fromStep });

    const started = Date.now();
    while ((await handlers['runs:get']({ id: run.id })).status !== 'running') {
      if (Date.now() - started > 120_000) throw new Error('the streaming run did not start within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Let it stream for a moment so that the reads meet steady commits.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const streamingList = await load(listProjects);
    fromStep = Math.max(0, ((await handlers['runs:subscribe']({ id: run.id })).lastStep ?? 0) - 100);
    const streamingMetric = await load(readMetric);
    const steps = (await handlers['runs:subscribe']({ id: run.id })).lastStep;
    await handlers['runs:cancel']({ id: run.id });
    while (!['cancelled', 'done', 'failed'].includes((await handlers['runs:get']({ id: run.id })).status)) await new Promise((resolve) => setTimeout(resolve, 50));
    const idleList = await load(listProjects);
    const idleMetric = await load(readMetric);

    const section = 'reads while a run streams';
    const engine = `web bridge, ${REQUESTS} req, concurrency ${CONCURRENCY}`;
    const cases: [string, Latencies, Latencies][] = [
      ['GET /api/projects', streamingList, idleList],
      ['runs:metrics (loss, last 100 steps)', streamingMetric, idleMetric],
    ];
    for (const [name, streaming, idle] of cases) {
      for (const q of ['p50', 'p99'] as const) {
        rows.push({
          section,
          case: `${name} ${q}`,
          engine,
          seconds: streaming[q] / 1000,
          note: `no run: ${idle[q].toFixed(1)} ms (x${(streaming[q] / idle[q]).toFixed(1)} while streaming)`,
        });
      }
    }
    rows.push({ section, case: `(the run committed ${steps} steps meanwhile)`, engine, note: `${resent} request(s) resent after a connection reset` });
  } finally {
    agent.destroy();
    await server.close();
    await service.close();
    rmSync(workspaceDir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) printTable(await benchStreamReads());
