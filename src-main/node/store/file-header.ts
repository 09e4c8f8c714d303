// Refuses a workspace file that is not a whole SQLite database before SQLite opens it, so that nothing is ever
// written into it: SQLite itself opens a truncated file happily and fails only when a query reaches a missing page
// (or writes new pages over the gap). Header layout: https://www.sqlite.org/fileformat2.html#the_database_header
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CodedError } from '../../contract/result';

const MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;

function journalPending(path: string): boolean {
  // A journal means a transaction in progress or cut by a crash: the file may be mid-commit, and SQLite's rollback
  // (not this check) decides what it holds.
  return (statSync(`${path}-journal`, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

/** What is wrong with the file, or undefined when it is empty or a whole database (or a journal is pending). */
function problemOf(path: string): string | undefined {
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return undefined;
  if (read < HEADER_BYTES) return `only ${read} bytes long`;
  if (header.toString('latin1', 0, 16) !== MAGIC) return 'it has no SQLite header';
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `its header gives an invalid page size (${rawPageSize})`;
  // Checked after the header was read: with no journal, any commit that wrote that header is complete.
  if (journalPending(path)) return undefined;
  const size = statSync(path).size;
  if (size % pageSize !== 0) return `its size (${size} bytes) is not a whole number of ${pageSize}-byte pages: it was cut short`;
  // The page count in the header is valid when its "version valid for" matches the change counter.
  const pages = header.readUInt32BE(28);
  if (header.readUInt32BE(92) === header.readUInt32BE(24) && pages * pageSize > size) {
    return `its header says ${pages} pages (${pages * pageSize} bytes) but the file has ${size} bytes: it was cut short`;
  }
  return undefined;
}

/** Throws 'store/corrupt' for a non-empty file that is not a SQLite database or is shorter than its header says. */
export function checkDatabaseFile(path: string): void {
  const inspect = () => {
    try {
      return problemOf(path);
    } catch (error) {
      throw new CodedError('store/io', `cannot read the workspace database ${path}: ${(error as Error).message}`);
    }
  };
  let problem = inspect();
  // A commit of another process between our reads can look like a cut file for a moment: judge twice more.
  for (let again = 0; problem !== undefined && again < 2; again++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    problem = inspect();
  }
  if (problem !== undefined) {
    throw new CodedError('store/corrupt', `${path} is not a usable workspace database: ${problem}. It was left untouched; restore it from a backup or move it away to start a new workspace`);
  }
}
