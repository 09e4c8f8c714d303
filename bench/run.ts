// `npm run bench`: prints the benchmark table (eNTK per implementation and engine, Fig. 1 training speed,
// analytic NTK at n = 2000, ONNX import and the eNTK of an imported MLP and of the CNN20 conv net, the Fig. 1 run report, read latency of the
// web bridge while a run streams, CLI start-up, whole-process MLP eNTK jobs, the blocked MNIST kernel on disk and the
// spectrum's share of a kernel's time), with PyTorch peers beside the eNTK, the Fig. 1 loop, the jobs and the blocked
// kernel when torch is installed, and writes it to .bench/results.json. Figures, not assertions.
import { mkdir, writeFile } from 'node:fs/promises';
import { initBackend } from '../src-main/node/backend';
import { createTfjsMatmulEngine } from '../src-main/core/linalg/tfjs-matmul-engine';
import { createTfjsStepEngine } from '../src-main/core/train/tfjs-step-engine';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { benchEntk } from './entk-bench';
import { benchFig1Training, type StepEngineFactory } from './training-bench';
import { benchAnalytic } from './analytic-bench';
import { benchImport } from './import-bench';
import { benchConv } from './conv-bench';
import { benchReports } from './report-bench';
import { benchCliStartup } from './cli-bench';
import { printTable, type Row } from './measure';
import { benchStreamReads } from './stream-read-bench';
import { nodeEngines } from './node-engines';
import { benchBlocked } from './blocked-bench';
import { benchMlpJobs } from './mlp-job-bench';
import { peerEnvironmentNote, torchLabel } from './torch-peer';
import { runTuned } from '../bin/process-tuning.js';

async function main(): Promise<void> {
  // Our measurements run with glibc's malloc tunables and V8's single-threaded GC, as the CLI does: this process
  // re-runs itself once with them.
  await runTuned();
  const all = process.argv.includes('--all');
  const backend = await initBackend((process.env.NTK_BACKEND as 'wasm' | undefined) ?? 'wasm');
  console.log(`ntk-workbench benchmark: tfjs ${backend.name} (${backend.tfjsVersion}), node ${backend.node}, ${backend.platform}`);
  console.log(`ours: GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? '(unset)'}, node flags: ${process.execArgv.join(' ') || '(none)'}\n`);
  const peer = await torchLabel();
  console.log(peer ? `PyTorch peer: ${peer}, best of 1..cores threads; its environment: ${peerEnvironmentNote()}\n` : 'PyTorch peer: none (no python with torch); peer rows skipped\n');
  const extra = await nodeEngines();
  const matmulEngines: MatmulEngine[] = [...extra.matmul, createTfjsMatmulEngine()];
  const stepFactories: StepEngineFactory[] = [...extra.step, { name: 'tfjs', create: async (spec) => createTfjsStepEngine(spec) }];
  const rows: Row[] = [];
  rows.push(...(await benchEntk(matmulEngines, { all, contrast: extra.spinning })));
  rows.push(...(await benchFig1Training(stepFactories, matmulEngines[0], new URL('../examples/fig1.json', import.meta.url).pathname)));
  rows.push(...(await benchAnalytic()));
  rows.push(...(await benchImport(matmulEngines[0], { all })));
  rows.push(...(await benchConv(matmulEngines[0])));
  rows.push(...(await benchBlocked(matmulEngines[0], { all })));
  rows.push(...(await benchReports()));
  rows.push(...(await benchStreamReads()));
  rows.push(...(await benchCliStartup()));
  rows.push(...(await benchMlpJobs()));
  printTable(rows);
  await mkdir('.bench', { recursive: true });
  await writeFile('.bench/results.json', `${JSON.stringify({ date: new Date().toISOString(), backend, rows }, null, 2)}\n`);
  console.log('\nwritten to .bench/results.json');
}

await main();
