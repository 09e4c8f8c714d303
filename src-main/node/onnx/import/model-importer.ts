// The contract every model format implements to join the registry (Netron's pattern): a cheap match() on the
// name and first bytes, then open() that does the full read and translation.
import type { ImportContext } from './import-context';
import type { ImportedModel } from './imported-model';
import type { BindSpec } from './input-binding';

export interface ImportOptions {
  /** Initializer names (or patterns) kept constant even where they feed weights or biases. */
  readonly freeze?: readonly (string | RegExp)[];
  /** Take the logits under a final Softmax/LogSoftmax (default true). */
  readonly logits?: boolean;
  /** Which graph output is f(x) (default the first). */
  readonly outputName?: string;
  /** Which graph input is the sample x (default: the only one, or the only one not bound). */
  readonly inputName?: string;
  /** Values for the other graph inputs (recurrent state, a sample rate), by name. */
  readonly bind?: Readonly<Record<string, BindSpec>>;
  /** What other inputs missing from `bind` are bound to (the app's inspection: zeros); absent: they are refused. */
  readonly bindDefault?: BindSpec;
  /** Per-sample input shape when the file leaves non-batch dims symbolic. */
  readonly inputShape?: readonly number[];
}

export interface ModelImporter {
  readonly name: string;
  /** Lower-case extensions with the dot, e.g. ['.onnx']. */
  readonly extensions: readonly string[];
  /** Cheap structural check of the first bytes; never throws. */
  match(context: ImportContext): boolean;
  /** Full read and translation; throws CodedError. */
  open(context: ImportContext, options?: ImportOptions): Promise<ImportedModel>;
}
