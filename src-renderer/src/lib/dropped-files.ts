// What a drop on the Import form holds, as files with their relative paths: a dropped folder is walked (the
// FileSystem entries API every Chromium-based shell has), so a folder of checkpoints arrives with the external-data
// files beside each model. Plain data for the view and the uploader; no API calls here.

export interface DroppedFile {
  /** Path inside the drop, with forward slashes: 'run1/step-100.onnx' for a folder drop, the name for a file. */
  readonly relativePath: string;
  readonly file: File;
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

/** Model files the Import form lists; other dropped files (external data, notes) only travel with them. */
export const isModelPath = (path: string): boolean => /\.onnx$/i.test(path);

/** Probe-set files the Import form takes (see src-main/node/onnx/import/probe-set.ts). */
export const isProbePath = (path: string): boolean => /\.(json|npy|csv)$/i.test(path);

/** The subset of the entries API used here (typed locally: it is not in every DOM lib). */
interface Entry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): { readEntries(success: (entries: Entry[]) => void, failure: (error: unknown) => void): void };
}

function fileOf(entry: Entry): Promise<File> {
  return new Promise((resolve, reject) => entry.file?.(resolve, reject));
}

/** readEntries answers in batches (100 in Chromium) until an empty one. */
async function childrenOf(entry: Entry): Promise<Entry[]> {
  const reader = entry.createReader?.();
  if (!reader) return [];
  const all: Entry[] = [];
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: Entry, prefix: string, out: DroppedFile[], limit: number): Promise<void> {
  if (out.length >= limit) return;
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) out.push({ relativePath: path, file: await fileOf(entry) });
  else if (entry.isDirectory) for (const child of await childrenOf(entry)) await walk(child, path, out, limit);
}

/**
 * The files of a drop, folders walked, in natural path order. `limit` stops a walk into a huge tree (a home
 * folder dropped by mistake) from reading it all.
 */
export async function collectDroppedFiles(transfer: Pick<DataTransfer, 'files'> & { items?: DataTransfer['items'] }, limit = 10_000): Promise<DroppedFile[]> {
  const entries = [...(transfer.items ?? [])]
    .map((item) => (item.kind === 'file' && typeof item.webkitGetAsEntry === 'function' ? (item.webkitGetAsEntry() as Entry | null) : null))
    .filter((e): e is Entry => e !== null);
  const out: DroppedFile[] = [];
  if (entries.length > 0) for (const entry of entries) await walk(entry, '', out, limit);
  else for (const file of [...transfer.files].slice(0, limit)) out.push({ relativePath: file.name, file });
  return out.sort((a, b) => naturalOrder(a.relativePath, b.relativePath));
}

/**
 * Host paths for the dropped top-level items where the shell knows them (Electron): folders stay folders, the
 * service expands them. Undefined when any item has no path (a browser), so the caller uploads instead.
 */
export function hostPathsOf(files: readonly File[], pathForFile: ((file: File) => string | undefined) | undefined): string[] | undefined {
  if (!pathForFile || files.length === 0) return undefined;
  const paths = files.map((file) => pathForFile(file));
  if (paths.some((p) => !p)) return undefined;
  return (paths as string[]).sort(naturalOrder);
}
