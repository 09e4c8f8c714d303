// The cheap structural test behind the ONNX importer's match(): ONNX has no magic bytes, so (like Netron) we walk the
// top-level protobuf fields with protobufjs's Reader and accept only ModelProto's field numbers and wire types.
import protobuf from 'protobufjs/light.js';

/** ModelProto field number -> wire type (0 varint, 2 length-delimited). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
]);

/** True when the bytes read as a sequence of ModelProto fields that includes ir_version or a graph. Never throws. */
export function looksLikeOnnxModel(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  try {
    const reader = protobuf.Reader.create(bytes);
    let sawCore = false;
    for (let fields = 0; reader.pos < reader.len && fields < 256; fields++) {
      const tag = reader.uint32();
      const wire = MODEL_FIELDS.get(tag >>> 3);
      if (wire === undefined || wire !== (tag & 7)) return false;
      if (tag >>> 3 === 1 || tag >>> 3 === 7) sawCore = true;
      reader.skipType(tag & 7);
    }
    return sawCore && reader.pos <= reader.len;
  } catch {
    return false;
  }
}
