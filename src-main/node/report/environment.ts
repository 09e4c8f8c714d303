// Where a report was made and where its run ran: the workbench version and git revision (read from the checkout's
// .git when there is one, without running git), OS, CPU and node; plus what the run recorded about its backend.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { arch, cpus, release, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../package-info';

/** The checkout's HEAD commit, following a worktree's `.git` file and packed refs; null outside a checkout. */
export function gitRevision(start = dirname(fileURLToPath(import.meta.url))): string | null {
  try {
    let dir = resolve(start);
    while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, '.git'))) {
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
    let gitDir = join(dir, '.git');
    if (statSync(gitDir).isFile()) gitDir = resolve(dir, readFileSync(gitDir, 'utf8').replace(/^gitdir:\s*/, '').trim());
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return head;
    const ref = head.slice(4).trim();
    // A worktree keeps its HEAD but shares refs with the main repository (commondir).
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const base of [gitDir, common]) if (existsSync(join(base, ref))) return readFileSync(join(base, ref), 'utf8').trim();
    const packed = existsSync(join(common, 'packed-refs')) ? readFileSync(join(common, 'packed-refs'), 'utf8') : '';
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** The machine that writes the report. */
export function reportEnvironment(): [string, string][] {
  const cpu = cpus();
  return [
    ['workbench', `${packageVersion()}${gitRevision() ? ` (git ${gitRevision()?.slice(0, 12)})` : ''}`],
    ['OS', `${type()} ${release()} ${arch()}`],
    ['CPU', cpu.length > 0 ? `${cpu[0].model.trim()} x ${cpu.length}` : 'unknown'],
    ['node', process.versions.node],
  ];
}

/** sha256 of a file as hex, streamed; null when it cannot be read here. */
export async function sha256File(path: string): Promise<string | null> {
  return new Promise((done) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', () => done(null));
  });
}
