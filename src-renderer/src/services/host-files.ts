// Files between this window and the workbench host, through the one API: a File chosen or dropped here becomes a
// path on the host (the shell's own path in Electron, else an upload), and a file the host wrote for us (a project
// bundle) comes back in chunks as a Blob, so browsers on other machines and the desktop window work alike.
import { collectDroppedFiles, type DroppedFile, hostPathsOf } from '../lib/dropped-files';
import { backend, call } from './backend';
import { UPLOAD_CHUNK, uploadFiles, type UploadProgress } from './upload';

/** Uploads the files and answers the host paths of those `keep` accepts, in the given order. */
async function uploadedPaths(files: readonly DroppedFile[], keep: (relativePath: string) => boolean, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<string[]> {
  const hostPaths = await uploadFiles(files, onProgress, signal);
  return files.filter((f) => keep(f.relativePath)).map((f) => hostPaths.get(f.relativePath) as string);
}

/** The host path of one local file: Electron's, or the uploaded copy's. */
export async function hostPathOf(file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<string> {
  const known = hostPathsOf([file], backend().pathForFile);
  if (known) return known[0];
  const [path] = await uploadedPaths([{ relativePath: file.name, file }], () => true, onProgress, signal);
  return path;
}

/**
 * Host paths for a drop: the shell's own paths (Electron; a folder stays a folder, the host expands it), or else
 * every dropped file uploaded (a model's external data travels with it) and the paths of those `keep` accepts. The
 * DataTransfer is read before the first await, as a drop handler must: call this synchronously from the handler.
 */
export function hostPathsForDrop(transfer: Pick<DataTransfer, 'files'> & { items?: DataTransfer['items'] }, keep: (relativePath: string) => boolean, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<string[]> {
  const known = hostPathsOf([...transfer.files], backend().pathForFile);
  if (known) return Promise.resolve(known);
  return collectDroppedFiles(transfer).then((dropped) => uploadedPaths(dropped, keep, onProgress, signal));
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
