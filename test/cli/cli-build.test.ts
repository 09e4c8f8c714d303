// The built CLI (out/main/cli.js from `npm run build`) and the TypeScript one run through tsx print the same help,
// and bin/ntk-workbench.js runs a build only when it is newer than every source file, falling back to tsx otherwise.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, cliEnv } from '../helpers/cli';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const built = join(root, 'out', 'main', 'cli.js');
// Compared only when `npm run build` ran after the last source edit (a stale build is what the bin refuses).
const srcMain = join(root, 'src-main');
const freshBuild =
  existsSync(built) && statSync(built).mtimeMs >= Math.max(...readdirSync(srcMain, { recursive: true }).map((f) => statSync(join(srcMain, String(f))).mtimeMs));

async function stdoutOf(args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await run(process.execPath, args, { env: cliEnv(env) })).stdout;
}

/** A checkout whose bin, sources and node_modules are the real ones, with an out/main/cli.js of our own (or none). */
async function checkout(fakeBuild?: { mtime: Date }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ntk-cli-build-'));
  await mkdir(join(dir, 'bin'));
  // The bin and the module it imports (bin/process-tuning.js), copied: the bin finds its root from where it lies.
  for (const name of readdirSync(dirname(CLI_BIN))) await copyFile(join(dirname(CLI_BIN), name), join(dir, 'bin', name));
  for (const name of ['src-main', 'node_modules', 'package.json']) await symlink(join(root, name), join(dir, name));
  if (fakeBuild) {
    const cli = join(dir, 'out', 'main', 'cli.js');
    await mkdir(join(dir, 'out', 'main'), { recursive: true });
    await writeFile(cli, "export async function main() { process.stdout.write('fake build\\n'); return 0; }\n");
    await utimes(cli, fakeBuild.mtime, fakeBuild.mtime);
  }
  return dir;
}

describe('built CLI', () => {
  it.skipIf(!freshBuild)('prints the same help as the tsx CLI, for the command list and for a command', async () => {
    for (const args of [['--help'], ['ntk', '--help'], ['drift', '--help']]) {
      const tsx = await stdoutOf([CLI_BIN, ...args], { NTK_CLI_SOURCE: '1' });
      const direct = `const { main } = await import(${JSON.stringify(built)}); process.exitCode = await main(process.argv.slice(1));`;
      expect(await stdoutOf(['--input-type=module', '-e', direct, '--', ...args])).toBe(tsx);
      expect(tsx).toMatch(/ntk-workbench/);
    }
  });

  it.skipIf(!freshBuild)('requires its CommonJS engines instead of ESM-importing them (Node would lex each whole file first)', async () => {
    const chunks = join(root, 'out', 'main', 'chunks');
    const files = [built, ...readdirSync(chunks).map((f) => join(chunks, f))];
    const sources = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    const esmImports = sources.flatMap((code) => [...code.matchAll(/^import .+ from "(@tensorflow\/tfjs-core|onnxruntime-node|protobufjs\/light\.js|ml-matrix|ws)";$/gm)].map((m) => m[1]));
    expect(esmImports).toEqual([]);
    expect(sources.some((code) => code.includes('__ntkRequire("@tensorflow/tfjs-core")'))).toBe(true);
  });

  it('falls back to tsx when out/ is missing', async () => {
    const dir = await checkout();
    const help = await stdoutOf([join(dir, 'bin', 'ntk-workbench.js'), '--help']);
    expect(help).toMatch(/^ntk-workbench \S+: neural tangent kernel research workbench/);
  });

  it('ignores a build older than the sources and runs one newer than them', async () => {
    const stale = await checkout({ mtime: new Date(2000, 0, 1) });
    expect(await stdoutOf([join(stale, 'bin', 'ntk-workbench.js'), '--help'])).toMatch(/neural tangent kernel research workbench/);
    const fresh = await checkout({ mtime: new Date(Date.now() + 3_600_000) });
    expect(await stdoutOf([join(fresh, 'bin', 'ntk-workbench.js'), '--help'])).toBe('fake build\n');
  });
});
