// Files a browser hands over (dropped checkpoints and the folders around them) land here, because a page never
// learns where a file lives on disk: each upload is a folder `<workspace>/uploads/<id>/` that keeps the dropped
// relative paths, so an ONNX model finds its external-data files beside it. Chunks are appended at the file's
// current size, so a resumed or repeated chunk is refused instead of silently corrupting a checkpoint.
import { randomBytes } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { CodedError } from '../../contract/result';

export interface UploadChunk {
  readonly uploadId?: string;
  readonly path: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface UploadStore {
  /** Appends a chunk; answers the upload id, the file's absolute path and its size now. */
  write(chunk: UploadChunk): Promise<{ uploadId: string; path: string; bytes: number }>;
  readonly root: string;
}

/** Default ceiling for one file: larger than any checkpoint the kernels could use, small enough to stop a runaway. */
export const MAX_UPLOAD_FILE_BYTES = 8 * 1024 ** 3;

/** A dropped relative path made safe: forward slashes, no absolute part, no `..`, no empty or dot segments. */
export function safeUploadPath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (isAbsolute(slashed) || /^[a-zA-Z]:/.test(slashed) || segments.length === 0 || segments.includes('..') || segments.some((s) => s.includes('\0')))
    throw new CodedError('api/invalid-request', `upload path ${JSON.stringify(path)} must be a relative path inside the dropped set`);
  return normalize(segments.join('/'));
}

function ioError(error: unknown, target: string): CodedError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new CodedError('io/failed', `the disk holding ${target} is full; free some space and drop the files again`);
  return new CodedError('io/failed', `cannot write ${target}: ${(error as Error).message}`);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw ioError(error, path);
  }
}

export function createUploadStore(root: string, options: { maxFileBytes?: number } = {}): UploadStore {
  const maxFileBytes = options.maxFileBytes ?? MAX_UPLOAD_FILE_BYTES;
  return {
    root,
    async write({ uploadId, path, offset, bytes }) {
      const id = uploadId ?? randomBytes(12).toString('hex');
      const target = join(root, id, safeUploadPath(path));
      if (!target.startsWith(join(root, id) + sep)) throw new CodedError('api/invalid-request', `upload path ${JSON.stringify(path)} leaves its upload folder`);
      const size = await sizeOf(target);
      if (offset !== size) throw new CodedError('api/invalid-request', `${path}: chunk at byte ${offset}, but the uploaded file has ${size} bytes; send the upload again from the start`);
      if (offset + bytes.length > maxFileBytes) throw new CodedError('store/too-large', `${path} is larger than the upload limit of ${maxFileBytes} bytes`);
      try {
        await mkdir(dirname(target), { recursive: true });
        const handle = await open(target, 'a');
        try {
          await handle.write(bytes);
        } catch (error) {
          // A half-written chunk is cut off again, so the file stays a prefix of the original and a retry fits.
          await handle.truncate(offset).catch(() => undefined);
          throw error;
        } finally {
          await handle.close();
        }
      } catch (error) {
        throw ioError(error, target);
      }
      return { uploadId: id, path: target, bytes: offset + bytes.length };
    },
  };
}
