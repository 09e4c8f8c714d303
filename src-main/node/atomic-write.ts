// Writes or copies a file so that a crash or a full disk never leaves a half-written one in its place: temp file,
// fsync, rename.
import { randomBytes } from 'node:crypto';
import { copyFile, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { CodedError } from '../contract/result';

// Chunks are gathered to about 1 MiB per write call: one call per matrix row would be thousands of syscalls.
async function writeChunks(handle: FileHandle, chunks: Iterable<string>): Promise<void> {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= 1 << 20) {
      await handle.write(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) await handle.write(pending.join(''));
}

/** Fills a fresh temp file beside `path` (`fill` must fsync it) and renames it into place; on failure removes it. */
async function replaceAtomically(path: string, fill: (temp: string) => Promise<void>): Promise<void> {
  // Unique per call: two writers of one file in one process (shards of a sweep) must not share a temp file.
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fill(temp);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new CodedError('io/failed', `could not write ${path}: ${(error as Error).message}`);
  }
}

/** `data` may be chunks of text (a large JSON kernel), written one after another without joining them. */
export async function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  await replaceAtomically(path, async (temp) => {
    const handle = await open(temp, 'w');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
      else await writeChunks(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Copies the file `source` to `path` the same way (a file saved where a user chose). */
export async function copyFileAtomic(source: string, path: string): Promise<void> {
  await replaceAtomically(path, async (temp) => {
    await copyFile(source, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
