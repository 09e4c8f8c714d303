// What a caller may ask of any importer (freeze, logits, output, input shape): a leaf module, so importers, the
// model builder and its input/output choice read it without importing each other.

export interface ImportOptions {
  /** Initializer names (or patterns) kept constant even where they feed weights or biases. */
  readonly freeze?: readonly (string | RegExp)[];
  /** Take the logits under a final Softmax/LogSoftmax (default true). */
  readonly logits?: boolean;
  /** Which graph output is f(x) (default the first). */
  readonly outputName?: string;
  /** Per-sample input shape when the file leaves non-batch dims symbolic. */
  readonly inputShape?: readonly number[];
}
