// The New-run form's model: a flat draft of every engine option, its defaults and option lists mirrored from
// src-main/contract/run-config.ts (type-checked against it; test/renderer/run-config-form.test.ts checks the values
// against the schema), the draft <-> config mapping, and quick checks. The server's validation stays the authority.
import type { DataConfig, LossConfig, ModelConfig, NtkConfig, OptimizerConfig, RunConfigInput, Schedule } from '../../../src-main/contract/run-config';

/** A list that must name every member of the union T: a missing member is a type error. */
function allOf<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : 'list misses a member')) => values;
}

export const BACKENDS = allOf<NonNullable<RunConfigInput['backend']>>()(['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']);
export const ARCHS = allOf<ModelConfig['arch']>()(['fcn', 'resnet']);
export const PARAMETERIZATIONS = allOf<ModelConfig['parameterization']>()(['ntk', 'standard']);
export const LOSSES = allOf<LossConfig['kind']>()(['bce', 'softmax-ce', 'mse']);
export const REDUCTIONS = allOf<LossConfig['reduction']>()(['mean', 'sum']);
export const TARGETS = allOf<LossConfig['targets']>()(['zero-one', 'plus-minus', 'one-hot']);
export const OPTIMIZERS = allOf<OptimizerConfig['kind']>()(['gd', 'sgd', 'adam']);
export const DATA_KINDS = allOf<DataConfig['kind']>()(['circle', 'sphere', 'blobs', 'mnist', 'file']);
export const CIRCLE_LABELS = ['alternating', 'halves', 'custom'] as const;
export const MNIST_LABELS = allOf<Extract<DataConfig, { kind: 'mnist' }>['labels']>()(['parity', 'digit']);
export const KERNELS = allOf<NtkConfig['kernel']>()(['full', 'trace']);
export const TRACE_NORMALIZATIONS = allOf<NtkConfig['traceNormalization']>()(['sum', 'mean']);
export const IMPLEMENTATIONS = allOf<NtkConfig['implementation']>()(['structured', 'generic']);
export const ANALYTIC_FORMS = allOf<NtkConfig['analytic']>()(['derived', 'printed', 'none']);

export type Backend = (typeof BACKENDS)[number];

export interface ScheduleDraft {
  every: number | null;
  logSpaced: number | null;
  /** Comma-separated steps. */
  steps: string;
}

export interface RunDraft {
  name: string;
  seed: number | null;
  backend: Backend;
  steps: number | null;
  model: {
    arch: ModelConfig['arch'];
    depth: number | null;
    perLayer: boolean;
    width: number | null;
    widths: string;
    bias: boolean;
    /** null: the engine's default 1/L. */
    alpha: number | null;
    parameterization: ModelConfig['parameterization'];
  };
  loss: { kind: LossConfig['kind']; reduction: LossConfig['reduction']; targets: LossConfig['targets'] };
  optimizer: { kind: OptimizerConfig['kind']; lr: number | null; batchSize: number | null; beta1: number | null; beta2: number | null; epsilon: number | null };
  data: {
    kind: DataConfig['kind'];
    n: number | null;
    circleLabels: (typeof CIRCLE_LABELS)[number];
    /** Custom 0/1 labels for the circle, comma-separated. */
    customLabels: string;
    dim: number | null;
    classes: number | null;
    spread: number | null;
    /** null: the run's seed. */
    seed: number | null;
    mnistLabels: (typeof MNIST_LABELS)[number];
    balanced: boolean;
    inputs: string;
    labelsFile: string;
  };
  ntk: { kernel: NtkConfig['kernel']; traceNormalization: NtkConfig['traceNormalization']; implementation: NtkConfig['implementation']; analytic: NtkConfig['analytic']; circleSweep: number | null };
  logging: { metrics: ScheduleDraft; kernels: ScheduleDraft; trackSamples: string; saveKernels: boolean; fullSpectrumMax: number | null };
}

export function defaultDraft(backend: Backend = 'auto'): RunDraft {
  return {
    name: '',
    seed: 0,
    backend,
    steps: 1000,
    model: { arch: 'fcn', depth: 3, perLayer: false, width: 256, widths: '', bias: false, alpha: null, parameterization: 'ntk' },
    loss: { kind: 'bce', reduction: 'mean', targets: 'zero-one' },
    optimizer: { kind: 'gd', lr: 0.1, batchSize: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    data: { kind: 'circle', n: 6, circleLabels: 'alternating', customLabels: '', dim: 2, classes: 2, spread: 0.5, seed: null, mnistLabels: 'parity', balanced: true, inputs: '', labelsFile: '' },
    ntk: { kernel: 'full', traceNormalization: 'sum', implementation: 'structured', analytic: 'derived', circleSweep: 0 },
    logging: { metrics: { every: null, logSpaced: 200, steps: '' }, kernels: { every: null, logSpaced: 30, steps: '' }, trackSamples: '', saveKernels: true, fullSpectrumMax: 512 },
  };
}

/** "1, 2 3" -> [1, 2, 3]; null when a token is not a number. */
export function parseNumberList(text: string): number[] | null {
  const tokens = text.split(/[\s,;]+/).filter((t) => t.length > 0);
  const numbers = tokens.map(Number);
  return numbers.every((v) => Number.isFinite(v)) ? numbers : null;
}

const listText = (values: readonly number[] | undefined): string => (values ?? []).join(', ');

function scheduleDraft(schedule: Schedule | undefined, fallback: ScheduleDraft): ScheduleDraft {
  if (!schedule) return { ...fallback };
  return { every: schedule.every ?? null, logSpaced: schedule.logSpaced ?? null, steps: listText(schedule.steps) };
}

function scheduleOf(draft: ScheduleDraft): Schedule {
  const steps = parseNumberList(draft.steps) ?? [];
  return {
    ...(draft.every !== null ? { every: draft.every } : {}),
    ...(draft.logSpaced !== null ? { logSpaced: draft.logSpaced } : {}),
    ...(steps.length > 0 ? { steps } : {}),
  };
}

/** A draft holding `config` (a preset, or a saved run's config); options it leaves out take their defaults. */
export function draftFromConfig(config: RunConfigInput, backend: Backend = 'auto'): RunDraft {
  const d = defaultDraft(backend);
  const data = config.data;
  return {
    name: config.name ?? '',
    seed: config.seed ?? d.seed,
    backend: config.backend ?? backend,
    steps: config.steps,
    model: {
      arch: config.model.arch,
      depth: config.model.depth,
      perLayer: config.model.widths !== undefined,
      width: config.model.width ?? (config.model.widths ? null : d.model.width),
      widths: listText(config.model.widths),
      bias: config.model.bias ?? false,
      alpha: config.model.alpha ?? null,
      parameterization: config.model.parameterization ?? 'ntk',
    },
    loss: { kind: config.loss.kind, reduction: config.loss.reduction ?? 'mean', targets: config.loss.targets ?? 'zero-one' },
    optimizer: {
      kind: config.optimizer.kind ?? 'gd',
      lr: config.optimizer.lr,
      batchSize: config.optimizer.batchSize ?? null,
      beta1: config.optimizer.beta1 ?? 0.9,
      beta2: config.optimizer.beta2 ?? 0.999,
      epsilon: config.optimizer.epsilon ?? 1e-8,
    },
    data: {
      ...d.data,
      kind: data.kind,
      n: 'n' in data && data.n !== undefined ? data.n : data.kind === 'mnist' ? 1000 : d.data.n,
      circleLabels: data.kind !== 'circle' ? 'alternating' : Array.isArray(data.labels) ? 'custom' : (data.labels ?? 'alternating'),
      customLabels: data.kind === 'circle' && Array.isArray(data.labels) ? listText(data.labels) : '',
      dim: data.kind === 'sphere' || data.kind === 'blobs' ? data.dim : d.data.dim,
      classes: data.kind === 'blobs' ? data.classes : d.data.classes,
      spread: data.kind === 'blobs' ? (data.spread ?? 0.5) : d.data.spread,
      seed: data.kind === 'sphere' || data.kind === 'blobs' || data.kind === 'mnist' ? (data.seed ?? null) : null,
      mnistLabels: data.kind === 'mnist' ? (data.labels ?? 'parity') : 'parity',
      balanced: data.kind === 'mnist' ? (data.balanced ?? true) : true,
      inputs: data.kind === 'file' ? data.inputs : '',
      labelsFile: data.kind === 'file' ? (data.labels ?? '') : '',
    },
    ntk: { ...d.ntk, ...config.ntk, circleSweep: config.ntk?.circleSweep ?? 0 },
    logging: {
      metrics: scheduleDraft(config.logging?.metrics, d.logging.metrics),
      kernels: scheduleDraft(config.logging?.kernels, d.logging.kernels),
      trackSamples: listText(config.logging?.trackSamples),
      saveKernels: config.logging?.saveKernels ?? true,
      fullSpectrumMax: config.logging?.fullSpectrumMax ?? 512,
    },
  };
}

/** Number fields left empty become NaN, so the server names them rather than the form dropping them silently. */
const num = (v: number | null): number => (v === null ? NaN : v);

export function configFromDraft(draft: RunDraft): RunConfigInput {
  const { model, loss, optimizer, data, ntk, logging } = draft;
  const widths = parseNumberList(model.widths) ?? [];
  const dataConfig: DataConfig | Record<string, unknown> = (() => {
    const seed = draft.data.seed !== null ? { seed: draft.data.seed } : {};
    switch (data.kind) {
      case 'circle':
        return { kind: 'circle', n: num(data.n), labels: data.circleLabels === 'custom' ? (parseNumberList(data.customLabels) ?? []) : data.circleLabels };
      case 'sphere':
        return { kind: 'sphere', n: num(data.n), dim: num(data.dim), ...seed };
      case 'blobs':
        return { kind: 'blobs', n: num(data.n), dim: num(data.dim), classes: num(data.classes), spread: num(data.spread), ...seed };
      case 'mnist':
        return { kind: 'mnist', n: num(data.n), labels: data.mnistLabels, balanced: data.balanced, ...seed };
      case 'file':
        return { kind: 'file', inputs: data.inputs, ...(data.labelsFile ? { labels: data.labelsFile } : {}) };
    }
  })();
  const tracked = parseNumberList(logging.trackSamples) ?? [];
  return {
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    seed: num(draft.seed),
    backend: draft.backend,
    steps: num(draft.steps),
    model: {
      arch: model.arch,
      depth: num(model.depth),
      ...(model.perLayer && model.arch === 'fcn' ? { widths } : { width: num(model.width) }),
      ...(model.arch === 'fcn' ? { bias: model.bias } : {}),
      ...(model.arch === 'resnet' && model.alpha !== null ? { alpha: model.alpha } : {}),
      parameterization: model.parameterization,
    },
    // Targets are kept whatever the loss: a sweep may turn this config's loss into MSE.
    loss: { kind: loss.kind, reduction: loss.reduction, targets: loss.targets },
    optimizer: {
      kind: optimizer.kind,
      lr: num(optimizer.lr),
      ...(optimizer.kind === 'sgd' && optimizer.batchSize !== null ? { batchSize: optimizer.batchSize } : {}),
      ...(optimizer.kind === 'adam' ? { beta1: num(optimizer.beta1), beta2: num(optimizer.beta2), epsilon: num(optimizer.epsilon) } : {}),
    },
    data: dataConfig as DataConfig,
    ntk: {
      kernel: ntk.kernel,
      ...(ntk.kernel === 'trace' ? { traceNormalization: ntk.traceNormalization } : {}),
      implementation: ntk.implementation,
      analytic: ntk.analytic,
      circleSweep: num(ntk.circleSweep),
    },
    logging: {
      metrics: scheduleOf(logging.metrics),
      kernels: scheduleOf(logging.kernels),
      ...(tracked.length > 0 ? { trackSamples: tracked } : {}),
      saveKernels: logging.saveKernels,
      fullSpectrumMax: num(logging.fullSpectrumMax),
    },
  };
}

/** Input dimension the data will have, when the form can tell. */
function inputDim(draft: RunDraft): number | null {
  if (draft.data.kind === 'circle') return 2;
  if (draft.data.kind === 'mnist') return 784;
  if (draft.data.kind === 'sphere' || draft.data.kind === 'blobs') return draft.data.dim;
  return null;
}

/**
 * Quick checks while typing, keyed by the config path the server's `config/invalid` lines use. They mirror the
 * schema's limits; anything they miss the server still reports.
 */
export function checkDraft(draft: RunDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const int = (path: string, v: number | null, min: number, max: number) => {
    if (v === null || !Number.isFinite(v)) errors[path] = 'required';
    else if (!Number.isInteger(v)) errors[path] = 'must be a whole number';
    else if (v < min || v > max) errors[path] = `must be from ${min} to ${max.toLocaleString('en')}`;
  };
  const positive = (path: string, v: number | null, max = Infinity) => {
    if (v === null || !Number.isFinite(v)) errors[path] = 'required';
    else if (v <= 0) errors[path] = 'must be positive';
    else if (v > max) errors[path] = `must be at most ${max}`;
  };
  int('seed', draft.seed, 0, 2 ** 31);
  int('steps', draft.steps, 0, 100_000_000);
  const m = draft.model;
  int('model.depth', m.depth, 1, 64);
  if (m.perLayer && m.arch === 'fcn') {
    const widths = parseNumberList(m.widths);
    if (!widths || widths.length === 0) errors['model.widths'] = 'give one width per hidden layer, e.g. 512, 256, 128';
    else if (widths.some((w) => !Number.isInteger(w) || w < 1 || w > 65_536)) errors['model.widths'] = 'widths are whole numbers from 1 to 65,536';
    else if (m.depth !== null && widths.length !== m.depth) errors['model.widths'] = `${widths.length} widths given but depth is ${m.depth}`;
  } else {
    int('model.width', m.width, 1, 65_536);
  }
  if (m.arch === 'resnet' && m.alpha !== null) positive('model.alpha', m.alpha, 100);
  const o = draft.optimizer;
  positive('optimizer.lr', o.lr, 1e4);
  if (o.kind === 'sgd' && o.batchSize !== null) int('optimizer.batchSize', o.batchSize, 1, Number.MAX_SAFE_INTEGER);
  if (o.kind === 'adam') {
    for (const key of ['beta1', 'beta2'] as const) {
      const v = o[key];
      if (v === null || !(v >= 0 && v < 1)) errors[`optimizer.${key}`] = 'must be in [0, 1)';
    }
    positive('optimizer.epsilon', o.epsilon);
  }
  const d = draft.data;
  if (d.kind === 'circle') {
    int('data.n', d.n, 1, 10_000);
    if (d.circleLabels === 'custom') {
      const labels = parseNumberList(d.customLabels);
      if (!labels || labels.some((l) => l !== 0 && l !== 1)) errors['data.labels'] = 'labels are 0 or 1, comma-separated';
      else if (d.n !== null && labels.length !== d.n) errors['data.labels'] = `${labels.length} labels for n = ${d.n} points`;
    }
  } else if (d.kind === 'mnist') {
    int('data.n', d.n, 1, 10_000);
  } else if (d.kind === 'sphere' || d.kind === 'blobs') {
    int('data.n', d.n, 1, 100_000);
    int('data.dim', d.dim, 1, 10_000);
    if (d.kind === 'blobs') {
      int('data.classes', d.classes, 2, 1000);
      positive('data.spread', d.spread);
    }
  } else if (!d.inputs.trim()) {
    errors['data.inputs'] = 'path of a .npy, .csv or .json file on the machine that runs the engine';
  }
  if (d.seed !== null && d.kind !== 'circle' && d.kind !== 'file') int('data.seed', d.seed, 0, Number.MAX_SAFE_INTEGER);
  const binary = d.kind === 'circle' || d.kind === 'sphere' || (d.kind === 'mnist' && d.mnistLabels === 'parity');
  if (!binary && (draft.loss.kind === 'bce' || (draft.loss.kind === 'mse' && draft.loss.targets !== 'one-hot'))) {
    if (d.kind !== 'file') errors['loss.kind'] = 'this loss needs binary labels; use softmax-ce, or mse with one-hot targets';
  }
  int('ntk.circleSweep', draft.ntk.circleSweep, 0, 4001);
  if ((draft.ntk.circleSweep ?? 0) > 0 && inputDim(draft) !== null && inputDim(draft) !== 2) errors['ntk.circleSweep'] = 'the circle sweep needs 2-d inputs (circle data, or sphere with dim 2)';
  for (const key of ['metrics', 'kernels'] as const) {
    const s = draft.logging[key];
    const path = `logging.${key}`;
    if (s.every === null && s.logSpaced === null && !s.steps.trim()) errors[path] = 'give at least one of every, log-spaced or steps';
    else if (s.every !== null && !(Number.isInteger(s.every) && s.every > 0)) errors[path] = 'every must be a positive whole number';
    else if (s.logSpaced !== null && !(Number.isInteger(s.logSpaced) && s.logSpaced > 0 && s.logSpaced <= 100_000)) errors[path] = 'log-spaced count must be from 1 to 100,000';
    else if (s.steps.trim() && (parseNumberList(s.steps) ?? [-1]).some((v) => !Number.isInteger(v) || v < 0)) errors[path] = 'steps are whole numbers ≥ 0, comma-separated';
  }
  if (draft.logging.trackSamples.trim()) {
    const tracked = parseNumberList(draft.logging.trackSamples);
    if (!tracked || tracked.some((v) => !Number.isInteger(v) || v < 0)) errors['logging.trackSamples'] = 'sample indices are whole numbers ≥ 0';
    else if (d.n !== null && d.kind !== 'file' && tracked.some((v) => v >= (d.n ?? 0))) errors['logging.trackSamples'] = `indices must be below n = ${d.n}`;
  }
  int('logging.fullSpectrumMax', draft.logging.fullSpectrumMax, 1, 4096);
  return errors;
}

/**
 * The server's `config/invalid` message ("config is not a valid run config:\n  model.width: Too small ...") as
 * messages per config path; lines without a path land under ''.
 */
export function parseConfigIssues(message: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of message.split('\n').slice(1)) {
    const match = /^\s*([A-Za-z][\w.]*|\(top level\)): (.*)$/.exec(line);
    const path = match && match[1] !== '(top level)' ? match[1] : '';
    const text = match ? match[2] : line.trim();
    if (!text) continue;
    (out[path] ??= []).push(text);
  }
  if (Object.keys(out).length === 0) out[''] = [message];
  return out;
}

/** The field an issue path belongs to: the longest path the form shows that is a prefix of it. */
export function fieldOfIssue(path: string, fields: readonly string[]): string {
  let best = '';
  for (const field of fields) if ((path === field || path.startsWith(`${field}.`)) && field.length > best.length) best = field;
  return best;
}

/** Outputs k the network gets, as the engine decides (core/losses.ts outputsForLoss). */
export function outputsOf(draft: RunDraft): number {
  const classes = draft.data.kind === 'blobs' ? (draft.data.classes ?? 2) : draft.data.kind === 'mnist' && draft.data.mnistLabels === 'digit' ? 10 : 2;
  return draft.loss.kind === 'softmax-ce' || (draft.loss.kind === 'mse' && draft.loss.targets === 'one-hot') ? classes : 1;
}

/** Trained parameters P of the configured network, when the input dimension is known (eq. 2.1 / 2.2). */
export function parameterCount(draft: RunDraft): number | null {
  const d = inputDim(draft);
  const m = draft.model;
  if (d === null || m.depth === null) return null;
  const k = outputsOf(draft);
  if (m.arch === 'resnet') {
    if (m.width === null) return null;
    return d * m.width + m.width + m.depth * 2 * (m.width * m.width + m.width) + m.width * k;
  }
  const widths = m.perLayer ? (parseNumberList(m.widths) ?? []) : Array.from({ length: m.depth }, () => m.width ?? 0);
  if (widths.length === 0 || widths.some((w) => !(w > 0))) return null;
  let count = 0;
  let previous = d;
  for (const w of widths) {
    count += previous * w + (m.bias ? w : 0);
    previous = w;
  }
  return count + previous * k;
}
