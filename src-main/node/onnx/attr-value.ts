// The value kinds of an ONNX attribute (the AttributeProto types the workbench reads or writes) as one tagged union,
// generic in how a tensor and a graph are held: the importer's IR holds decoded host tensors and subgraphs, the model
// builder holds protos. ONNX tells int from float attributes, so every value says which it is.
export type AttrValueOf<Tensor, Graph> =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: Tensor }
  | { readonly kind: 'graph'; readonly value: Graph };
