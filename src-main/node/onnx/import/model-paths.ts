// A checkpoint list as a researcher gives it: files, folders of checkpoints, or both. A folder stands for the model
// files directly inside it in natural order (step-5 before step-20), so a dropped or typed run folder becomes its
// series; the stored run config then names every file, which keeps the run reproducible.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CodedError } from '../../../contract/result';

/** Extensions taken from a folder (the registry decides later whether each really is a model it can open). */
const MODEL_EXTENSIONS = ['.onnx'];

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

async function kindOf(path: string): Promise<'file' | 'folder'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CodedError('data/not-found', `no such file or folder: ${path}`);
    throw new CodedError('io/failed', `cannot read ${path}: ${(error as Error).message}`);
  }
}

async function modelsInFolder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && MODEL_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext)))
    .map((e) => e.name)
    .sort(naturalOrder);
  if (names.length === 0) throw new CodedError('data/not-found', `the folder ${folder} holds no ${MODEL_EXTENSIONS.join('/')} files`);
  return names.map((name) => join(folder, name));
}

/** Files as given, folders expanded in place; a path named twice is kept once, at its first place. */
export async function expandModelPaths(paths: readonly string[]): Promise<string[]> {
  const expanded: string[] = [];
  for (const path of paths) {
    if ((await kindOf(path)) === 'folder') expanded.push(...(await modelsInFolder(path)));
    else expanded.push(path);
  }
  return [...new Set(expanded)];
}

/**
 * A run name from the checkpoint files: their shared stem and the first and last distinct parts, e.g.
 * "torch-mlp-step 0000–0060 (4 checkpoints)"; one file is its own name.
 */
export function importRunName(files: readonly string[]): string {
  const stems = files.map((f) => basename(f).replace(/\.[^.]+$/, ''));
  if (stems.length === 0) return 'import';
  if (stems.length === 1) return `${stems[0]} (1 checkpoint)`;
  const first = stems[0];
  const last = stems[stems.length - 1];
  let shared = 0;
  while (stems.every((s) => s[shared] === first[shared]) && shared < first.length) shared++;
  // Cut back to a separator so "step-0000" and "step-0060" keep their whole numbers.
  const cut = first.slice(0, shared).search(/[-_. ][^-_. ]*$/);
  const stem = cut > 0 ? first.slice(0, cut) : '';
  const rest = (s: string) => s.slice(stem.length).replace(/^[-_. ]+/, '');
  const range = stem ? `${stem} ${rest(first)}–${rest(last)}` : `${first} … ${last}`;
  return `${range} (${stems.length} checkpoints)`;
}
