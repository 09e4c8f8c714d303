// What an importer sees of a model file, in the manner of Netron's contexts: its name, its bytes and a way to read
// files beside it (external data). One implementation reads the disk; one serves dropped files from memory.
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { CodedError } from '../../../contract/result';

export interface ImportContext {
  /** The file name with its extension, for matching and for messages. */
  readonly identifier: string;
  readonly bytes: Uint8Array;
  /** Bytes of a file beside the model, by a relative path from inside the model; undefined when there is none. */
  readSibling(relativePath: string): Promise<Uint8Array | undefined>;
}

/** Refuses absolute paths and `..`: a model file may only reach files in its own folder tree. */
function safeRelative(relativePath: string, identifier: string): string {
  const cleaned = normalize(relativePath.replace(/\\/g, '/'));
  if (relativePath === '' || isAbsolute(relativePath) || cleaned.split('/').includes('..'))
    throw new CodedError('onnx/invalid-model', `${identifier} refers to ${JSON.stringify(relativePath)}, outside the model's folder`);
  return cleaned;
}

/** A context over a model on disk; siblings resolve against its folder. */
export async function fileContext(path: string): Promise<ImportContext> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CodedError('data/not-found', `no such file: ${path}`);
    throw new CodedError('io/failed', `cannot read ${path}: ${(error as Error).message}`);
  }
  const identifier = basename(path);
  return {
    identifier,
    bytes,
    async readSibling(relativePath) {
      const target = join(dirname(path), safeRelative(relativePath, identifier));
      try {
        return await readFile(target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new CodedError('io/failed', `cannot read ${target}: ${(error as Error).message}`);
      }
    },
  };
}

/** A context over bytes in memory (files dropped on the app, tests); siblings by relative path. */
export function memoryContext(identifier: string, bytes: Uint8Array, siblings: ReadonlyMap<string, Uint8Array> = new Map()): ImportContext {
  return {
    identifier,
    bytes,
    async readSibling(relativePath) {
      return siblings.get(safeRelative(relativePath, identifier));
    },
  };
}
