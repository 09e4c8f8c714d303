// The project bundle format: a store database file holding exactly one project (same schema, same migrations,
// `PRAGMA application_id` 'NTKW'), so it needs no codec of its own and opens in any SQLite tool. Artifacts that
// point at files are copied in as bytes, so a bundle is self-contained.
import { closeSync, openSync, readSync } from 'node:fs';
import { CodedError } from '../../contract/result';
import type { Database } from './database';
import { APPLICATION_ID } from './migrations';

export const BUNDLE_EXTENSION = '.ntkproject';

const SQLITE_MAGIC = 'SQLite format 3\0';
// Offset of the application id in the SQLite file header (https://www.sqlite.org/fileformat.html).
const APPLICATION_ID_OFFSET = 68;

/** Rejects a file that is not a workbench database before SQLite opens it. */
export function checkBundleHeader(path: string): void {
  const header = Buffer.alloc(100);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new CodedError('data/not-found', `cannot read the bundle ${path}: ${(error as Error).message}`);
  }
  if (read < header.length || header.toString('latin1', 0, 16) !== SQLITE_MAGIC || header.readUInt32BE(APPLICATION_ID_OFFSET) !== APPLICATION_ID) {
    throw new CodedError('store/bad-bundle', `${path} is not an ntk-workbench project bundle`);
  }
}

/** Column names of `schema.table`, to copy rows between two files with the same schema by name, not position. */
export function tableColumns(db: Database, schema: string, table: string): string[] {
  return db.all<{ name: string }>(`SELECT name FROM pragma_table_info(?, ?)`, [table, schema]).map((c) => c.name);
}
