// The ONNX protobuf schema as protobufjs handles, built once from the generated descriptor (no .proto read at run
// time). Shared by the model builder and the importer: encode/decode any ONNX message through these Types.
import protobuf from 'protobufjs/light.js';
import { onnxDescriptor, type ModelProto } from './onnx-proto.generated';

export * from './onnx-proto.generated';

/** Root of package `onnx`; look up any message with `onnxRoot.lookupType('onnx.GraphProto')`. */
export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(onnxDescriptor);

export const ModelProtoType: protobuf.Type = onnxRoot.lookupType('onnx.ModelProto');
export const GraphProtoType: protobuf.Type = onnxRoot.lookupType('onnx.GraphProto');
export const NodeProtoType: protobuf.Type = onnxRoot.lookupType('onnx.NodeProto');
export const TensorProtoType: protobuf.Type = onnxRoot.lookupType('onnx.TensorProto');

/** Serialises a ModelProto (throws on a field of the wrong kind); bytes are what onnxruntime and Netron read. */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = ModelProtoType.verify(model);
  if (problem) throw new Error(`invalid ModelProto: ${problem}`);
  return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish();
}

/** Parses ONNX bytes; int64 fields come back as Long objects (see Int64). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return ModelProtoType.decode(bytes) as unknown as ModelProto;
}
