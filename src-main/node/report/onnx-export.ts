// A trained native FCN or ResNet as a standalone ONNX model, f(x) for x [n, d] -> [n, k] float32: the forward graph
// of the ORT step engine (ort/net-graph.ts, the paper's NTK multipliers folded in as constants) over the run's final
// parameters as initializers, so onnxruntime or PyTorch reproduce the outputs and the importer the eNTK.
import { architectureFromConfig } from '../../core/models/architecture';
import type { ParamSet } from '../../core/models/params';
import type { ModelConfig } from '../../contract/run-config';
import { CodedError } from '../../contract/result';
import { ModelBuilder, attr } from '../onnx/model-builder';
import { emitNetwork, expectedParams, type NetSpec } from '../ort/net-graph';
import type { ReportRun } from './report-run';

/** The network of a training run's config, with d and k read from its stored parameters. */
export function netSpecOf(model: ModelConfig, params: ParamSet): NetSpec {
  const matrices = params.filter((p) => p.shape.length === 2);
  if (matrices.length === 0) throw new CodedError('data/invalid', 'the parameters hold no weight matrix');
  const d = matrices[0].shape[1];
  const k = matrices[matrices.length - 1].shape[0];
  const a = architectureFromConfig(model, d, k);
  return {
    arch: a.arch,
    widths: a.arch === 'fcn' ? a.widths : Array.from({ length: a.depth }, () => a.width),
    d,
    k,
    bias: a.arch === 'fcn' ? a.bias : true,
    alpha: a.arch === 'resnet' ? a.alpha : 1,
    parameterization: a.parameterization,
  };
}

/** ONNX bytes of f(x) with `params` baked in (opset 13, a symbolic batch dim 'n'). */
export function netOnnx(net: NetSpec, params: ParamSet, producerName = 'ntk-workbench'): Uint8Array {
  const m = new ModelBuilder({ opset: 13, producerName, graphName: `${net.arch}-ntk` });
  const x = m.input('x', 'float32', ['n', net.d]);
  const xT = m.op('Transpose', [x], { perm: attr.ints([1, 0]) });
  const names: Record<string, string> = {};
  for (const shape of expectedParams(net)) {
    const p = params.find((q) => q.name === shape.name);
    if (!p || p.shape.length !== shape.shape.length || p.shape.some((s, i) => s !== shape.shape[i]))
      throw new CodedError('data/shape-mismatch', `parameter ${shape.name} [${shape.shape.join(', ')}] is missing or has another shape`);
    names[shape.name] = m.initializer(shape.name, 'float32', [...shape.shape], p.values);
  }
  const { f } = emitNetwork(m, net, names, xT);
  m.output(m.op('Identity', [f]), 'float32', ['n', net.k]);
  return m.encode();
}

export function onnxExport(run: ReportRun): Uint8Array {
  if (run.kind !== 'train') throw new CodedError('data/invalid', `only training runs export to ONNX (this one is ${run.kind}; its checkpoints already are ONNX)`);
  const params = run.params('final');
  if (!params) throw new CodedError('data/not-found', `${run.name || `run ${run.id}`} has no final parameters${run.partial ? ' yet (it is still going)' : ''}`);
  return netOnnx(netSpecOf(run.config.model as ModelConfig, params), params);
}
