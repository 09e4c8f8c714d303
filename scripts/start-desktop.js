// `npm start`: runs the desktop app. Electron's binary is not fetched at `npm install` (no downloads in CI), so it is
// fetched here on first start with Electron's own `install-electron`; offline, this ends with a short message that
// points to the browser mode and the CLI instead of a stack trace. Then it builds out/ if missing and previews it,
// the app's processes started with glibc's malloc tunables and V8's single-threaded GC as the CLI's are
// (bin/process-tuning.js).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GC_JS_FLAGS, tunedEnv } from '../bin/process-tuning.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function packageBin(name, bin) {
  try {
    const manifestPath = require.resolve(`${name}/package.json`);
    const manifest = require(manifestPath);
    const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
    return relative ? { dir: dirname(manifestPath), bin: join(dirname(manifestPath), relative) } : undefined;
  } catch {
    return undefined;
  }
}

function giveUp(reason) {
  console.error(
    [
      `ntk-workbench: cannot start the desktop app: ${reason}`,
      '',
      'Without Electron you can still use the workbench:',
      '  browser mode   npm run build && npm run serve   (then open the printed URL)',
      '  command line   npx ntk-workbench --help',
      '',
      'To retry the desktop app once online: npx install-electron, then npm start.',
    ].join('\n'),
  );
  process.exit(1);
}

/** The first line of what a failed command printed, without its stack trace. */
function firstLine(text) {
  return text.split('\n').map((line) => line.trim()).find((line) => line && !line.startsWith('at ')) ?? '';
}

function run(bin, args, env = process.env) {
  const { status, error } = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit', env });
  if (error) giveUp(error.message);
  if (status !== 0) process.exit(status ?? 1);
}

const electron = packageBin('electron', 'install-electron');
if (!electron) giveUp('the electron package is not installed (run `npm install` with dev dependencies).');

if (!existsSync(join(electron.dir, 'path.txt'))) {
  console.log("ntk-workbench: Electron's binary is missing; downloading it with install-electron...");
  const install = spawnSync(process.execPath, [electron.bin], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  if (install.status !== 0 || !existsSync(join(electron.dir, 'path.txt'))) {
    const detail = firstLine(install.stderr ?? '') || install.error?.message || `exit code ${install.status}`;
    giveUp(`Electron's binary could not be downloaded (${detail}).`);
  }
}

const electronVite = packageBin('electron-vite', 'electron-vite');
if (!electronVite) giveUp('the electron-vite package is not installed (run `npm install` with dev dependencies).');

if (!existsSync(join(root, 'out'))) run(electronVite.bin, ['build']);
// After `--`: Electron's own switches (electron-vite passes them on); --js-flags reaches V8 in the main process.
run(electronVite.bin, ['preview', '--skipBuild', '--', GC_JS_FLAGS], tunedEnv() ?? process.env);
