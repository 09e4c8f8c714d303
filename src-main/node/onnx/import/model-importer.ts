// The contract every model format implements to join the registry (Netron's pattern): a cheap match() on the
// name and first bytes, then open() that does the full read and translation.
import type { ImportContext } from './import-context';
import type { ImportedModel } from './imported-model';
import type { ImportOptions } from './import-options';

export interface ModelImporter {
  readonly name: string;
  /** Lower-case extensions with the dot, e.g. ['.onnx']. */
  readonly extensions: readonly string[];
  /** Cheap structural check of the first bytes; never throws. */
  match(context: ImportContext): boolean;
  /** Full read and translation; throws CodedError. */
  open(context: ImportContext, options?: ImportOptions): Promise<ImportedModel>;
}
