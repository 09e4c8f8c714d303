// Which process runs a sweep run right now: DIR/claims/<run-id>, created exclusively (O_EXCL), so two processes that
// pick the same run at once (a shard started twice, a requeued Slurm task beside the old one) never both run it. A
// claim left by a dead process on this host is taken over; one from another host counts as alive.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../contract/result';
import { processAlive } from '../store/lock-holders';

interface ClaimInfo {
  readonly pid: number;
  readonly host: string;
}

export interface RunClaim {
  release(): Promise<void>;
}

const claimPath = (dir: string, id: string): string => join(dir, 'claims', id);

const stale = (info: ClaimInfo | undefined): boolean => info !== undefined && info.host === hostname() && !processAlive(info.pid);

async function readClaim(path: string): Promise<ClaimInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ClaimInfo;
  } catch {
    return undefined;
  }
}

async function create(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies ClaimInfo & { since: string }));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CodedError('io/failed', `cannot write the claim ${path}: ${(error as Error).message}`);
  }
}

/** The claim on run `id`, or undefined when a live process holds it. */
export async function claimRun(dir: string, id: string): Promise<RunClaim | undefined> {
  const path = claimPath(dir, id);
  try {
    await mkdir(join(dir, 'claims'), { recursive: true });
  } catch (error) {
    throw new CodedError('io/failed', `cannot create ${join(dir, 'claims')}: ${(error as Error).message}`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(path)) return { release: () => unlink(path).catch(() => undefined) };
    const holder = await readClaim(path);
    if (!stale(holder)) return undefined;
    // Moved aside under a name of our own: of two processes taking over the same stale claim, one rename wins.
    const aside = `${path}.stale-${process.pid}`;
    try {
      await rename(path, aside);
    } catch {
      continue;
    }
    await unlink(aside).catch(() => undefined);
  }
  return undefined;
}
