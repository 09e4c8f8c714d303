// Saves and loads parameter sets as one float32 .npy per tensor plus params.json (names, shapes, order), so numpy,
// PyTorch and JAX users can read them directly.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '../core/io/npy';
import type { ParamSet } from '../core/models/params';
import { CodedError } from '../contract/result';
import { writeFileAtomic } from './atomic-write';

interface ParamsManifest {
  readonly format: 'ntk-workbench/params@1';
  readonly params: { name: string; shape: number[]; file: string }[];
}

export async function saveParams(dir: string, params: ParamSet): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest: ParamsManifest = { format: 'ntk-workbench/params@1', params: [] };
  for (const p of params) {
    const file = `${p.name}.npy`;
    await writeFileAtomic(join(dir, file), encodeNpy({ shape: [...p.shape], dtype: 'float32', data: p.values }));
    manifest.params.push({ name: p.name, shape: [...p.shape], file });
  }
  await writeFileAtomic(join(dir, 'params.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function loadParams(dir: string): Promise<ParamSet> {
  let manifest: ParamsManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'params.json'), 'utf8')) as ParamsManifest;
  } catch (error) {
    throw new CodedError('data/not-found', `no readable params.json in ${dir}: ${(error as Error).message}`);
  }
  return Promise.all(
    manifest.params.map(async (entry) => {
      const array = decodeNpy(new Uint8Array(await readFile(join(dir, entry.file))));
      const expected = entry.shape.reduce((a, b) => a * b, 1);
      if (array.data.length !== expected) throw new CodedError('data/shape-mismatch', `${entry.file} holds ${array.data.length} values, params.json says ${entry.shape.join('x')}`);
      return { name: entry.name, shape: entry.shape, values: Float32Array.from(array.data) };
    }),
  );
}
