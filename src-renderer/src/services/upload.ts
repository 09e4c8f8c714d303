// Sends dropped files to the workbench host in base64 chunks over the one API (uploads:write), all into one upload
// folder so relative paths (and a model's external-data files) survive; answers each file's path on the host.
import type { DroppedFile } from '../lib/dropped-files';
import { call } from './backend';

/** Bytes per chunk: contract/api.ts refuses more than UPLOAD_CHUNK_BYTES (512 KiB) per request. */
export const UPLOAD_CHUNK = 512 * 1024;

export interface UploadProgress {
  readonly sentBytes: number;
  readonly totalBytes: number;
  readonly file: string;
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Uploads every file; resolves relative path -> host path. Throws ApiError (with the server's code) on failure. */
export async function uploadFiles(files: readonly DroppedFile[], onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<Map<string, string>> {
  const totalBytes = files.reduce((s, f) => s + f.file.size, 0);
  const hostPaths = new Map<string, string>();
  let uploadId: string | undefined;
  let sentBytes = 0;
  for (const { relativePath, file } of files) {
    let offset = 0;
    do {
      if (signal?.aborted) throw new DOMException('upload cancelled', 'AbortError');
      const chunk = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK).arrayBuffer());
      const answer = await call('uploads:write', { ...(uploadId ? { uploadId } : {}), path: relativePath, offset, data: base64Of(chunk) });
      uploadId = answer.uploadId;
      hostPaths.set(relativePath, answer.path);
      offset += chunk.length;
      sentBytes += chunk.length;
      onProgress?.({ sentBytes, totalBytes, file: relativePath });
    } while (offset < file.size);
  }
  return hostPaths;
}
