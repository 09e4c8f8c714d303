// What a caller may ask of any importer (freeze, logits, output, input choice and bindings, input shape): a leaf
// module, so importers, the model builder and its input/output choice read it without importing each other.

/** What a graph input other than the sample is bound to: 'zeros', one number for every element, or a tensor (row-major). */
export type BindSpec = 'zeros' | number | { readonly shape: readonly number[]; readonly data: ArrayLike<number> };

export interface ImportOptions {
  /** Initializer names (or patterns) kept constant even where they feed weights or biases. */
  readonly freeze?: readonly (string | RegExp)[];
  /** Take the logits under a final Softmax/LogSoftmax (default true). */
  readonly logits?: boolean;
  /** Which graph output is f(x) (default the first). */
  readonly outputName?: string;
  /** Which graph input is the sample x (default: the first one not bound). */
  readonly inputName?: string;
  /** Values for the other graph inputs (recurrent state, a sample rate), by name. */
  readonly bind?: Readonly<Record<string, BindSpec>>;
  /** What other inputs missing from `bind` are bound to (the app's inspection: zeros); absent: they are refused. */
  readonly bindDefault?: BindSpec;
  /** Per-sample input shape when the file leaves non-batch dims symbolic. */
  readonly inputShape?: readonly number[];
}
