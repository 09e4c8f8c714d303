// The paper's networks as a list of dense layers with multipliers (Yu, Tian, Chen 2025, eqs. 2.1 and 2.2).
// Every engine (tfjs autodiff, structured eNTK, float64 reference, onnxruntime step) reads this one description.
// NTK parameterisation: weights N(0,1), scale in the forward pass. Standard: multipliers folded into the init.
import type { ModelConfig } from '../../contract/run-config';
import { createRng, normalArray } from '../random';
import type { NamedArray, ParamSet } from './params';

export type Parameterization = 'ntk' | 'standard';

/** A dense map z = weightMult * (W a) + biasMult * b, W [out, in], b [out] or absent. */
export interface DenseLayer {
  readonly weight: string;
  readonly bias?: string;
  readonly inDim: number;
  readonly outDim: number;
  /** Forward multiplier of W under the NTK parameterisation. */
  readonly weightMult: number;
  readonly biasMult: number;
  /** Standard deviation of the bias at init under NTK (1 for FCN biases and ResNet b0, 0 for block biases). */
  readonly biasInitStd: number;
  /** biasMult applies under both parameterisations (an imported readout bias's scalar from the graph). */
  readonly biasMultFixed?: boolean;
}

export interface FcnArchitecture {
  readonly arch: 'fcn';
  readonly inputDim: number;
  readonly outputs: number;
  readonly widths: readonly number[];
  readonly bias: boolean;
  readonly parameterization: Parameterization;
  /**
   * Forward multiplier of a readout bias `bout` [outputs], when the network has one. The paper's FCN has none; an
   * imported nn.Linear head does, and its kernel term is the constant mult^2 delta_ab.
   */
  readonly readoutBias?: number;
}

export interface ResnetArchitecture {
  readonly arch: 'resnet';
  readonly inputDim: number;
  readonly outputs: number;
  readonly width: number;
  readonly depth: number;
  readonly alpha: number;
  readonly parameterization: Parameterization;
}

export type Architecture = FcnArchitecture | ResnetArchitecture;

export function architectureFromConfig(model: ModelConfig, inputDim: number, outputs: number): Architecture {
  const parameterization = model.parameterization ?? 'ntk';
  if (model.arch === 'fcn') {
    const widths = model.widths ?? Array.from({ length: model.depth }, () => model.width as number);
    return { arch: 'fcn', inputDim, outputs, widths, bias: model.bias ?? false, parameterization };
  }
  return {
    arch: 'resnet',
    inputDim,
    outputs,
    width: model.width as number,
    depth: model.depth,
    alpha: model.alpha ?? 1 / model.depth,
    parameterization,
  };
}

/** FCN layers in order: W1..WL (hidden, ReLU after each) then Wout (linear readout). */
export function fcnLayers(a: FcnArchitecture): DenseLayer[] {
  const layers: DenseLayer[] = [];
  let inDim = a.inputDim;
  a.widths.forEach((width, index) => {
    const l = index + 1;
    layers.push({
      weight: `W${l}`,
      bias: a.bias ? `b${l}` : undefined,
      inDim,
      outDim: width,
      weightMult: l === 1 ? 1 : Math.sqrt(2 / inDim),
      biasMult: 1,
      biasInitStd: 1,
    });
    inDim = width;
  });
  const readoutBias = a.readoutBias === undefined ? {} : { bias: 'bout', biasMultFixed: true };
  layers.push({ weight: 'Wout', ...readoutBias, inDim, outDim: a.outputs, weightMult: Math.sqrt(2 / inDim), biasMult: a.readoutBias ?? 1, biasInitStd: 0 });
  return layers;
}

/**
 * ResNet layers: the input map A (b0), then per block l the pair W_l (b_l, ReLU) and V_l (d_l, added to the
 * stream), then Wout. sqrt(2/m) after the ReLU is folded into V_l's multiplier by positive homogeneity.
 */
export function resnetLayers(a: ResnetArchitecture): { input: DenseLayer; blocks: { inner: DenseLayer; outer: DenseLayer }[]; readout: DenseLayer } {
  const m = a.width;
  const input: DenseLayer = { weight: 'A', bias: 'b0', inDim: a.inputDim, outDim: m, weightMult: 1 / Math.sqrt(m), biasMult: 1 / Math.sqrt(m), biasInitStd: 1 };
  const blocks = Array.from({ length: a.depth }, (_, index) => {
    const l = index + 1;
    const inner: DenseLayer = { weight: `W${l}`, bias: `b${l}`, inDim: m, outDim: m, weightMult: 1, biasMult: 1, biasInitStd: 0 };
    const outer: DenseLayer = {
      weight: `V${l}`,
      bias: `d${l}`,
      inDim: m,
      outDim: m,
      weightMult: (a.alpha * Math.SQRT2) / m,
      biasMult: a.alpha / Math.sqrt(m),
      biasInitStd: 0,
    };
    return { inner, outer };
  });
  const readout: DenseLayer = { weight: 'Wout', inDim: m, outDim: a.outputs, weightMult: 1, biasMult: 1, biasInitStd: 0 };
  return { input, blocks, readout };
}

/** Every dense layer of the architecture, in parameter order. */
export function allLayers(a: Architecture): DenseLayer[] {
  if (a.arch === 'fcn') return fcnLayers(a);
  const { input, blocks, readout } = resnetLayers(a);
  return [input, ...blocks.flatMap((b) => [b.inner, b.outer]), readout];
}

/** Multipliers used in the forward pass: the NTK ones, or 1 under the standard parameterisation (except fixed ones). */
export function forwardMults(a: Architecture, layer: DenseLayer): { weight: number; bias: number } {
  if (a.parameterization === 'ntk') return { weight: layer.weightMult, bias: layer.biasMult };
  return { weight: 1, bias: layer.biasMultFixed ? layer.biasMult : 1 };
}

/** Parameter names and shapes in canonical order (weight, then bias, layer by layer). */
export function paramShapes(a: Architecture): { name: string; shape: number[] }[] {
  return allLayers(a).flatMap((layer) => {
    const entries = [{ name: layer.weight, shape: [layer.outDim, layer.inDim] }];
    if (layer.bias) entries.push({ name: layer.bias, shape: [layer.outDim] });
    return entries;
  });
}

/**
 * Seeded initial parameters. Each tensor draws from its own stream (seed, name), so widths of other layers never
 * change it and any backend gets identical values. NTK: W ~ N(0,1); standard: W ~ N(0, weightMult^2).
 */
export function initParams(a: Architecture, seed: number): ParamSet {
  const out: NamedArray[] = [];
  for (const layer of allLayers(a)) {
    const scale = a.parameterization === 'ntk' ? 1 : layer.weightMult;
    out.push({ name: layer.weight, shape: [layer.outDim, layer.inDim], values: normalArray(createRng(seed, layer.weight), layer.outDim * layer.inDim, scale) });
    if (layer.bias) {
      const std = layer.biasInitStd * (a.parameterization === 'ntk' || layer.biasMultFixed ? 1 : layer.biasMult);
      const values = std === 0 ? new Float32Array(layer.outDim) : normalArray(createRng(seed, layer.bias), layer.outDim, std);
      out.push({ name: layer.bias, shape: [layer.outDim], values });
    }
  }
  return out;
}

/** Human-readable summary, e.g. "FCN 2-2000-2000-2000-1 (NTK, no bias)". */
export function describeArchitecture(a: Architecture): string {
  const param = a.parameterization === 'ntk' ? 'NTK' : 'standard';
  if (a.arch === 'fcn') return `FCN ${[a.inputDim, ...a.widths, a.outputs].join('-')} (${param}, ${a.bias ? 'bias' : 'no bias'}${a.readoutBias !== undefined ? ', readout bias' : ''})`;
  return `ResNet ${a.inputDim}-[${a.width}]x${a.depth}-${a.outputs} (${param}, alpha ${a.alpha})`;
}
