// Files between this window and the workbench host, through the one API: a File chosen or dropped here becomes a
// path on the host (the shell's own path in Electron, else an upload), and a file the host wrote for us (a project
// bundle) comes back in chunks as a Blob, so browsers on other machines and the desktop window work alike.
import type { DroppedFile } from '../lib/dropped-files';
import { backend, call } from './backend';
import { UPLOAD_CHUNK, uploadFiles, type UploadProgress } from './upload';

/** The host path of one local file: Electron's, or the uploaded copy's. */
export async function hostPathOf(file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<string> {
  const known = backend().pathForFile?.(file);
  if (known) return known;
  const entry: DroppedFile = { relativePath: file.name, file };
  const paths = await uploadFiles([entry], onProgress, signal);
  return paths.get(file.name) as string;
}

/** Reads a file under the host's exports folder (downloads:read) into a Blob. */
export async function fetchHostFile(path: string, onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (;;) {
    const chunk = await call('downloads:read', { path, offset, length: UPLOAD_CHUNK });
    const binary = atob(chunk.data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    parts.push(bytes);
    offset += bytes.length;
    onProgress?.(offset, chunk.bytes);
    if (bytes.length === 0 || offset >= chunk.bytes) break;
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}
