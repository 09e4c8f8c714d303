// A PyTorch-style MLP as ONNX bytes (nn.Linear as Gemm with transB and biases, readout bias included), written with
// the project's ModelBuilder: the model the import bench and the whole-process job bench load.
import { createRng, normalArray } from '../src-main/core/random';
import { ModelBuilder, attr } from '../src-main/node/onnx/model-builder';

/** widths [d, h1, ..., k]: Gemm + Relu per hidden layer, a linear readout; weights N(0, 1/fan_in), biases N(0, 0.1^2). */
export function torchStyleMlp(widths: readonly number[]): Uint8Array {
  const m = new ModelBuilder({ opset: 17, producerName: 'bench (torch-style nn.Linear MLP)' });
  m.input('x', 'float32', ['batch', widths[0]]);
  let h = 'x';
  for (let l = 1; l < widths.length; l++) {
    const [inDim, outDim] = [widths[l - 1], widths[l]];
    const rng = createRng(l, 'bench');
    const w = m.initializer(`fc${l}.weight`, 'float32', [outDim, inDim], normalArray(rng, outDim * inDim, 1 / Math.sqrt(inDim)));
    const b = m.initializer(`fc${l}.bias`, 'float32', [outDim], normalArray(rng, outDim, 0.1));
    h = m.op('Gemm', [h, w, b], { transB: attr.int(1) });
    if (l < widths.length - 1) h = m.op('Relu', [h]);
  }
  m.output(h, 'float32', ['batch', widths[widths.length - 1]]);
  return m.encode();
}
