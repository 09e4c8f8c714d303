// A trained native FCN or ResNet as a standalone ONNX model, f(x) for x [n, d] -> [n, k] float32, over the run's
// final parameters as initializers. It walks the same layer list as the tfjs forward pass (core/models/
// architecture.ts), one Gemm per dense layer with the paper's multipliers folded in (alpha for W, beta for the bias,
// W kept [out, in] with transB = 1), so onnxruntime or PyTorch reproduce the outputs and the importer the eNTK.
import { type Architecture, architectureFromConfig, type DenseLayer, fcnLayers, forwardMults, resnetLayers } from '../../core/models/architecture';
import type { ParamSet } from '../../core/models/params';
import type { ModelConfig } from '../../contract/run-config';
import { CodedError } from '../../contract/result';
import { ModelBuilder, attr } from '../onnx/model-builder';
import type { ReportRun } from './report-run';

/** The architecture of a training run's config, with d and k read from its stored parameters. */
export function architectureOfRun(model: ModelConfig, params: ParamSet): Architecture {
  const matrices = params.filter((p) => p.shape.length === 2);
  if (matrices.length === 0) throw new CodedError('data/invalid', 'the parameters hold no weight matrix');
  return architectureFromConfig(model, matrices[0].shape[1], matrices[matrices.length - 1].shape[0]);
}

export interface NetOnnxOptions {
  readonly opset?: number;
  readonly producerName?: string;
}

/** ONNX bytes of f(x) with `params` baked in (a symbolic batch dim 'n'). Cost: one copy of the parameters. */
export function netOnnx(a: Architecture, params: ParamSet, options: NetOnnxOptions = {}): Uint8Array {
  const m = new ModelBuilder({ opset: options.opset ?? 13, producerName: options.producerName ?? 'ntk-workbench', graphName: `${a.arch}-${a.parameterization}` });
  const dense = (layer: DenseLayer, h: string): string => {
    const { weight: wm, bias: bm } = forwardMults(a, layer);
    const w = params.find((p) => p.name === layer.weight);
    const b = layer.bias ? params.find((p) => p.name === layer.bias) : undefined;
    if (!w || w.shape.length !== 2 || w.shape[0] !== layer.outDim || w.shape[1] !== layer.inDim)
      throw new CodedError('data/shape-mismatch', `parameter ${layer.weight} should be [${layer.outDim}, ${layer.inDim}], got ${w ? `[${w.shape.join(', ')}]` : 'none'}`);
    if (layer.bias && (!b || b.values.length !== layer.outDim)) throw new CodedError('data/shape-mismatch', `parameter ${layer.bias} should have ${layer.outDim} values`);
    const inputs = [h, m.initializer(layer.weight, 'float32', [layer.outDim, layer.inDim], w.values)];
    if (b && layer.bias) inputs.push(m.initializer(layer.bias, 'float32', [layer.outDim], b.values));
    return m.op('Gemm', inputs, { transB: attr.int(1), ...(wm !== 1 ? { alpha: attr.float(wm) } : {}), ...(b && bm !== 1 ? { beta: attr.float(bm) } : {}) });
  };
  let h = m.input('x', 'float32', ['n', a.inputDim]);
  if (a.arch === 'fcn') {
    const layers = fcnLayers(a);
    layers.forEach((layer, i) => {
      h = dense(layer, h);
      if (i < layers.length - 1) h = m.op('Relu', [h]);
    });
  } else {
    const { input, blocks, readout } = resnetLayers(a);
    h = dense(input, h);
    for (const block of blocks) h = m.op('Add', [h, dense(block.outer, m.op('Relu', [dense(block.inner, h)]))]);
    h = dense(readout, h);
  }
  m.output(h, 'float32', ['n', a.outputs]);
  return m.encode();
}

export function onnxExport(run: ReportRun): Uint8Array {
  if (run.kind !== 'train') throw new CodedError('data/invalid', `only training runs export to ONNX (this one is ${run.kind}; its checkpoints already are ONNX)`);
  const params = run.params('final');
  if (!params) throw new CodedError('data/not-found', `${run.name || `run ${run.id}`} has no final parameters${run.partial ? ' yet (it is still going)' : ''}`);
  return netOnnx(architectureOfRun(run.config.model as ModelConfig, params), params);
}
