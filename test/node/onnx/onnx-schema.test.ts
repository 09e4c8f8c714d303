// The generated descriptor matches onnx.proto (it is produced by the script, never edited) and exposes the ONNX messages.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelProtoType, TensorProtoDataType, onnxRoot } from '../../../src-main/node/onnx/onnx-schema';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('onnx schema', () => {
  it('is in sync with onnx.proto (scripts/gen-onnx-proto.mjs --check)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-onnx-proto.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('exposes the messages and enums an importer needs', () => {
    for (const name of ['ModelProto', 'GraphProto', 'NodeProto', 'TensorProto', 'AttributeProto', 'FunctionProto', 'TypeProto.Tensor']) {
      expect(onnxRoot.lookupType(`onnx.${name}`).name).toBe(name.split('.').pop());
    }
    expect(ModelProtoType.fields.opsetImport.id).toBe(8);
    expect(TensorProtoDataType.FLOAT).toBe(1);
    expect(TensorProtoDataType.INT64).toBe(7);
  });

  it('keeps proto2 wire semantics: TensorProto.dims unpacked, float_data packed', () => {
    const tensor = onnxRoot.lookupType('onnx.TensorProto');
    expect(tensor.fields.dims.packed).toBe(false);
    expect(tensor.fields.floatData.packed).toBe(true);
  });
});
