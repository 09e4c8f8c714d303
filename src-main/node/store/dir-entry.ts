// Entries in a folder that its last leaver removes (the database's holders and readers): a process that leaves may
// remove the emptied folder between another's mkdir and its write, so writing an entry makes the folder again and
// retries on ENOENT; once the entry is in, the folder is not empty and stays.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `dir/name`, making `dir` as needed; bounded retries, so a folder that truly cannot be made fails loudly. */
export function writeDirEntry(dir: string, name: string, content: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      // A recursive mkdir racing the removal can itself fail ENOENT.
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), content);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 20) throw error;
    }
  }
}
