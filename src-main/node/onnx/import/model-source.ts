// Where a model comes from: a path on disk (CLI) or bytes handed over by the app (drag-and-drop of files or a
// folder, with the other files as siblings for external data). Opened through the importer registry.
import { basename } from 'node:path';
import { fileContext, memoryContext, type ImportContext } from './import-context';
import type { ImportedModel } from './imported-model';
import { defaultRegistry } from './importer-registry';
import type { ImportOptions } from './import-options';

export type ModelSource =
  | { readonly path: string }
  | { readonly name: string; readonly bytes: Uint8Array; readonly siblings?: ReadonlyMap<string, Uint8Array> };

export function sourceName(source: ModelSource): string {
  return 'path' in source ? source.path : source.name;
}

export async function contextOf(source: ModelSource): Promise<ImportContext> {
  return 'path' in source ? fileContext(source.path) : memoryContext(basename(source.name), source.bytes, source.siblings);
}

/** Reads, translates and probe-checks a model (no onnxruntime check yet); throws CodedError. */
export async function openModel(source: ModelSource, options: ImportOptions = {}): Promise<ImportedModel> {
  return defaultRegistry().open(await contextOf(source), options);
}
