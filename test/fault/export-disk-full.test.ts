// Fault class: the disk fills up while a report or an npy export is being written. Two ways to fill it, each in a
// child process: a 96 KiB tmpfs mounted in the child's own mount namespace (`unshare -rm`: a real ENOSPC; skipped,
// with the reason, where user namespaces are not allowed) and a 96 KiB file-size limit (`ulimit -f`: EFBIG). Each
// export that does not fit fails with io/failed and leaves nothing at its target, no temp file or folder beside it;
// the space comes back (a small export right after succeeds) and the workspace database is byte for byte unchanged.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';
import { createSyntheticRun, SMALL } from '../helpers/report-runs';
import { bashChildLines } from './fault-helpers';

const child = fileURLToPath(new URL('./fixtures/export-disk-full-child.ts', import.meta.url));
const LIMIT_KIB = 96;
const dir = mkdtempSync(join(tmpdir(), 'ntk-fault-export-'));
const workspace = join(dir, 'workspace');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A 64-sample run: each of its 5 kernels is 32 KiB, so the npy export (kernels twice, as .npy and in the .npz) and
// the HTML report both outgrow the limit, while the metrics JSON fits.
beforeAll(() => {
  const store = openStore(storePathIn(workspace));
  try {
    createSyntheticRun(store, 'disk', { ...SMALL, n: 64 });
  } finally {
    store.close();
  }
});

const unshareProbe = spawnSync('unshare', ['-rm', 'true'], { encoding: 'utf8' });
const noNamespaces = unshareProbe.status === 0 ? '' : `unshare -rm is not allowed here: ${unshareProbe.stderr || unshareProbe.error?.message}`;

const runChild = (script: string, outDir: string) => bashChildLines(script, [process.execPath, child, workspace, outDir]);

function expectCleanFailures(lines: string[], reason: RegExp): void {
  for (const name of ['html', 'npy-folder', 'npy-zip']) {
    const failure = lines.find((l) => l.startsWith(`${name} `) && !l.startsWith(`${name} left`));
    expect(failure, lines.join('\n')).toMatch(new RegExp(`^${name} io/failed .*${reason.source}`, 'i'));
    expect(lines).toContain(`${name} left []`);
  }
  expect(lines).toContainEqual(expect.stringMatching(/^json written \d+$/));
  expect(lines).toContain('json left ["metrics.json"]');
}

describe('disk full during a report export', () => {
  it.skipIf(noNamespaces !== '')(`a full tmpfs: ENOSPC, nothing left behind, the store unchanged${noNamespaces ? ` (skipped: ${noNamespaces})` : ''}`, async () => {
    const before = readFileSync(storePathIn(workspace));
    const outDir = join(dir, 'tmpfs');
    mkdirSync(outDir);
    const lines = await runChild(`unshare -rm sh -c 'mount -t tmpfs -o size=${LIMIT_KIB}k tmpfs "$4" && exec "$1" --import tsx "$2" "$3" "$4"' sh "$@"`, outDir);
    expectCleanFailures(lines, /ENOSPC|no space/);
    expect(readFileSync(storePathIn(workspace)).equals(before)).toBe(true);
  });

  it('a file-size limit: EFBIG, nothing left behind, the store unchanged', async () => {
    const before = readFileSync(storePathIn(workspace));
    const outDir = join(dir, 'limited');
    mkdirSync(outDir);
    const lines = await runChild(`ulimit -f ${LIMIT_KIB} && exec "$1" --import tsx "$2" "$3" "$4"`, outDir);
    expectCleanFailures(lines, /EFBIG|too large/);
    expect(readFileSync(storePathIn(workspace)).equals(before)).toBe(true);
  });
});
