// Writes a file so that a crash or a full disk never leaves a half-written one in its place: temp file, fsync, rename.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { CodedError } from '../contract/result';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  // Unique per call: two writers of one file in one process (shards of a sweep) must not share a temp file.
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new CodedError('io/failed', `could not write ${path}: ${(error as Error).message}`);
  }
}
