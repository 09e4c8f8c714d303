// Finds the importer for a file: by extension and structure (match), so a new format is one register() call.
// Unknown or mismatched files end in a coded error, never in an importer that was not meant for them.
import { extname } from 'node:path';
import { CodedError } from '../../../contract/result';
import type { ImportContext } from './import-context';
import type { ImportedModel } from './imported-model';
import type { ImportOptions } from './import-options';
import type { ModelImporter } from './model-importer';
import { onnxImporter } from './onnx-importer';

export class ImporterRegistry {
  private readonly importers: ModelImporter[] = [];

  register(importer: ModelImporter): this {
    this.importers.push(importer);
    return this;
  }

  /**
   * The importer whose match() accepts the bytes, preferring those that claim the extension; one that claims the
   * extension but rejects the bytes still gets them, so that its parser names what is wrong with the file.
   */
  find(context: ImportContext): ModelImporter {
    const ext = extname(context.identifier).toLowerCase();
    const byExtension = this.importers.filter((i) => i.extensions.includes(ext));
    const byContent = [...byExtension, ...this.importers.filter((i) => !byExtension.includes(i))].find((i) => i.match(context));
    const chosen = byContent ?? byExtension[0];
    if (!chosen) {
      const known = this.importers.flatMap((i) => i.extensions).join(', ');
      throw new CodedError('import/unknown-format', `${context.identifier}: not a model format the workbench reads (known: ${known})`);
    }
    return chosen;
  }

  open(context: ImportContext, options?: ImportOptions): Promise<ImportedModel> {
    return this.find(context).open(context, options);
  }
}

/** The registry with every built-in format. */
export function defaultRegistry(): ImporterRegistry {
  return new ImporterRegistry().register(onnxImporter);
}
