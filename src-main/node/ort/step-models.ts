// The ONNX models behind the ORT step engine: one gradient-descent step (forward, loss, backward, update), `count`
// steps as a Loop over the same body (parameters loop-carried, losses scanned), and forward-plus-loss for evaluate().
import type { LossConfig } from '../../contract/run-config';
import { ModelBuilder, attr, type GraphBuilder } from '../onnx/model-builder';
import { emitLoss } from './loss-graph';
import { emitNetwork, expectedParams, type NetSpec } from './net-graph';

/** The data and settings the models bake in as constants. */
export interface ModelData {
  /** [n, d] float32. */
  readonly x: Float32Array;
  /** [n] labels. */
  readonly y: Int32Array;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly loss: LossConfig;
  readonly lr: number;
}

/** X^T [d, n]: the networks run feature-major (see net-graph). */
function transposedInputs(g: GraphBuilder, spec: ModelData): string {
  const xT = new Float32Array(spec.n * spec.d);
  for (let i = 0; i < spec.n; i++) for (let j = 0; j < spec.d; j++) xT[j * spec.n + i] = spec.x[i * spec.d + j];
  return g.initializer('XT', 'float32', [spec.d, spec.n], xT);
}

function declareParams(g: GraphBuilder, net: NetSpec, suffix: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const p of expectedParams(net)) names[p.name] = g.input(`${p.name}${suffix}`, 'float32', p.shape);
  return names;
}

/** Model bytes and the graph value names that carry each updated parameter and the losses. */
export interface StepModel {
  readonly bytes: Uint8Array;
  /** Parameter name -> output name of its updated value. */
  readonly next: Readonly<Record<string, string>>;
  /** Output name of the losses: a scalar (one step) or [count] (Loop). */
  readonly losses: string;
}

/** Forward, loss, backward and update into g for parameter values `params`; returns the new values and the loss. */
function emitStep(g: GraphBuilder, spec: ModelData, net: NetSpec, params: Record<string, string>, xT: string) {
  const forward = emitNetwork(g, net, params, xT);
  const { loss, gradF } = emitLoss(g, spec.loss, forward.f, spec.y, spec.k);
  return { next: forward.backward(gradF, spec.lr), loss };
}

/**
 * One step as a plain graph: the update Gemms write the graph outputs directly. For step(): a Loop would copy every
 * final loop-carried weight once more (about 8 ms a run for Fig. 1 here).
 */
export function singleStepModel(spec: ModelData, net: NetSpec): StepModel {
  const model = new ModelBuilder({ graphName: 'gd-step' });
  const params = declareParams(model, net, '');
  const { next, loss } = emitStep(model, spec, net, params, transposedInputs(model, spec));
  for (const p of expectedParams(net)) model.output(next[p.name], 'float32', p.shape);
  model.output(loss, 'float32', []);
  return { bytes: model.encode(), next, losses: loss };
}

/** `trip` steps as Loop(trip, params): parameters loop-carried, one loss per step scanned out as [count]. */
export function loopStepModel(spec: ModelData, net: NetSpec): StepModel {
  const model = new ModelBuilder({ graphName: 'gd-steps' });
  const trip = model.input('trip', 'int64', []);
  const outer = declareParams(model, net, '');
  const xT = transposedInputs(model, spec);
  const body = model.subgraph('gd-step');
  body.input('iter', 'int64', []);
  const condIn = body.input('cond.in', 'bool', []);
  const { next, loss } = emitStep(body, spec, net, declareParams(body, net, '.in'), xT);
  body.output(body.op('Identity', [condIn]), 'bool', []);
  // The update Gemms' outputs are the body outputs themselves: an Identity there would copy every weight each step.
  const order = expectedParams(net);
  for (const p of order) body.output(next[p.name], 'float32', p.shape);
  body.output(loss, 'float32', []);
  const finals = Object.fromEntries(order.map((p) => [p.name, `${p.name}.next`]));
  model.node('Loop', [trip, '', ...order.map((p) => outer[p.name])], [...order.map((p) => finals[p.name]), 'losses'], { body: attr.graph(body) });
  for (const p of order) model.output(finals[p.name], 'float32', p.shape);
  model.output('losses', 'float32', ['count']);
  return { bytes: model.encode(), next: finals, losses: 'losses' };
}

/** Forward and loss only: outputs f [n, k] and loss []. */
export function evalModel(spec: ModelData, net: NetSpec): Uint8Array {
  const model = new ModelBuilder({ graphName: 'evaluate' });
  const params = declareParams(model, net, '');
  const xName = transposedInputs(model, spec);
  const forward = emitNetwork(model, net, params, xName);
  const { loss } = emitLoss(model, spec.loss, forward.f, spec.y, spec.k);
  model.op('Identity', [forward.f], {}, 'f');
  model.op('Identity', [loss], {}, 'loss');
  model.output('f', 'float32', [spec.n, spec.k]);
  model.output('loss', 'float32', []);
  return model.encode();
}

