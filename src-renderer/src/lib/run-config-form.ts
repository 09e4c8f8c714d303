// The New-run form's model: a flat draft of every engine option, the draft <-> config mapping, and quick checks.
// Option lists, defaults and limits come from src-main/contract/run-config-rules.ts, the same values the schema is
// built from; the server's validation stays the authority.
import type { DataConfig, LossConfig, ModelConfig, NtkConfig, OptimizerConfig, RunConfigInput, Schedule } from '../../../src-main/contract/run-config';
import {
  type Backend,
  CIRCLE_LABELINGS,
  DEFAULTS,
  datasetSizeOf,
  type DynamicsPart,
  dynamicsPartsOf,
  dynamicsProblems,
  LIMITS,
  lossNeedsBinaryLabels,
  type MNIST_LABELINGS,
} from '../../../src-main/contract/run-config-rules';

/** The circle's labelings, plus labels typed into the form. */
export const CIRCLE_LABELS = [...CIRCLE_LABELINGS, 'custom'] as const;

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
    mnistLabels: (typeof MNIST_LABELINGS)[number];
    balanced: boolean;
    inputs: string;
    labelsFile: string;
  };
  ntk: { kernel: NtkConfig['kernel']; traceNormalization: NtkConfig['traceNormalization']; implementation: NtkConfig['implementation']; analytic: NtkConfig['analytic']; circleSweep: number | null };
  logging: { metrics: ScheduleDraft; kernels: ScheduleDraft; trackSamples: string; saveKernels: boolean; fullSpectrumMax: number | null };
  /** The NTK-dynamics parts evolved beside the network; the config carries the block only when one is on. */
  dynamics: Record<DynamicsPart, boolean>;
}

export function defaultDraft(backend: Backend = 'auto'): RunDraft {
  return {
    name: '',
    seed: 0,
    backend,
    steps: 1000,
    model: { arch: 'fcn', depth: 3, perLayer: false, width: 256, widths: '', alpha: null, ...DEFAULTS.model },
    loss: { kind: 'bce', ...DEFAULTS.loss },
    optimizer: { lr: 0.1, batchSize: null, ...DEFAULTS.optimizer },
    data: {
      kind: 'circle',
      n: DEFAULTS.circle.n,
      circleLabels: DEFAULTS.circle.labels,
      customLabels: '',
      dim: 2,
      classes: 2,
      spread: DEFAULTS.blobs.spread,
      seed: null,
      mnistLabels: DEFAULTS.mnist.labels,
      balanced: DEFAULTS.mnist.balanced,
      inputs: '',
      labelsFile: '',
    },
    ntk: { ...DEFAULTS.ntk },
    logging: {
      metrics: { every: null, logSpaced: DEFAULTS.logging.metrics.logSpaced, steps: '' },
      kernels: { every: null, logSpaced: DEFAULTS.logging.kernels.logSpaced, steps: '' },
      trackSamples: '',
      saveKernels: DEFAULTS.logging.saveKernels,
      fullSpectrumMax: DEFAULTS.logging.fullSpectrumMax,
    },
    dynamics: { ...DEFAULTS.dynamics },
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
      bias: config.model.bias ?? d.model.bias,
      alpha: config.model.alpha ?? null,
      parameterization: config.model.parameterization ?? d.model.parameterization,
    },
    loss: { kind: config.loss.kind, reduction: config.loss.reduction ?? d.loss.reduction, targets: config.loss.targets ?? d.loss.targets },
    optimizer: {
      kind: config.optimizer.kind ?? d.optimizer.kind,
      lr: config.optimizer.lr,
      batchSize: config.optimizer.batchSize ?? null,
      beta1: config.optimizer.beta1 ?? d.optimizer.beta1,
      beta2: config.optimizer.beta2 ?? d.optimizer.beta2,
      epsilon: config.optimizer.epsilon ?? d.optimizer.epsilon,
    },
    data: {
      ...d.data,
      kind: data.kind,
      n: 'n' in data && data.n !== undefined ? data.n : data.kind === 'mnist' ? DEFAULTS.mnist.n : d.data.n,
      circleLabels: data.kind !== 'circle' ? d.data.circleLabels : Array.isArray(data.labels) ? 'custom' : (data.labels ?? d.data.circleLabels),
      customLabels: data.kind === 'circle' && Array.isArray(data.labels) ? listText(data.labels) : '',
      dim: data.kind === 'sphere' || data.kind === 'blobs' ? data.dim : d.data.dim,
      classes: data.kind === 'blobs' ? data.classes : d.data.classes,
      spread: data.kind === 'blobs' ? (data.spread ?? d.data.spread) : d.data.spread,
      seed: data.kind === 'sphere' || data.kind === 'blobs' || data.kind === 'mnist' ? (data.seed ?? null) : null,
      mnistLabels: data.kind === 'mnist' ? (data.labels ?? d.data.mnistLabels) : d.data.mnistLabels,
      balanced: data.kind === 'mnist' ? (data.balanced ?? d.data.balanced) : d.data.balanced,
      inputs: data.kind === 'file' ? data.inputs : '',
      labelsFile: data.kind === 'file' ? (data.labels ?? '') : '',
    },
    ntk: { ...d.ntk, ...config.ntk, circleSweep: config.ntk?.circleSweep ?? d.ntk.circleSweep },
    logging: {
      metrics: scheduleDraft(config.logging?.metrics, d.logging.metrics),
      kernels: scheduleDraft(config.logging?.kernels, d.logging.kernels),
      trackSamples: listText(config.logging?.trackSamples),
      saveKernels: config.logging?.saveKernels ?? d.logging.saveKernels,
      fullSpectrumMax: config.logging?.fullSpectrumMax ?? d.logging.fullSpectrumMax,
    },
    dynamics: { ...d.dynamics, ...config.dynamics },
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
    ...(dynamicsPartsOf(draft).length > 0 ? { dynamics: { ...draft.dynamics } } : {}),
  };
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
  int('seed', draft.seed, 0, LIMITS.seed);
  int('steps', draft.steps, 0, LIMITS.steps);
  const m = draft.model;
  int('model.depth', m.depth, 1, LIMITS.depth);
  if (m.perLayer && m.arch === 'fcn') {
    const widths = parseNumberList(m.widths);
    if (!widths || widths.length === 0) errors['model.widths'] = 'give one width per hidden layer, e.g. 512, 256, 128';
    else if (widths.some((w) => !Number.isInteger(w) || w < 1 || w > LIMITS.width)) errors['model.widths'] = `widths are whole numbers from 1 to ${LIMITS.width.toLocaleString('en')}`;
    else if (m.depth !== null && widths.length !== m.depth) errors['model.widths'] = `${widths.length} widths given but depth is ${m.depth}`;
  } else {
    int('model.width', m.width, 1, LIMITS.width);
  }
  if (m.arch === 'resnet' && m.alpha !== null) positive('model.alpha', m.alpha, LIMITS.alpha);
  const o = draft.optimizer;
  positive('optimizer.lr', o.lr, LIMITS.lr);
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
    int('data.n', d.n, 1, LIMITS.smallN);
    if (d.circleLabels === 'custom') {
      const labels = parseNumberList(d.customLabels);
      if (!labels || labels.some((l) => l !== 0 && l !== 1)) errors['data.labels'] = 'labels are 0 or 1, comma-separated';
      else if (d.n !== null && labels.length !== d.n) errors['data.labels'] = `${labels.length} labels for n = ${d.n} points`;
    }
  } else if (d.kind === 'mnist') {
    int('data.n', d.n, 1, LIMITS.smallN);
  } else if (d.kind === 'sphere' || d.kind === 'blobs') {
    int('data.n', d.n, 1, LIMITS.n);
    int('data.dim', d.dim, 1, LIMITS.dim);
    if (d.kind === 'blobs') {
      int('data.classes', d.classes, LIMITS.classes.min, LIMITS.classes.max);
      positive('data.spread', d.spread);
    }
  } else if (!d.inputs.trim()) {
    errors['data.inputs'] = 'path of a .npy, .csv or .json file on the machine that runs the engine';
  }
  if (d.seed !== null && d.kind !== 'circle' && d.kind !== 'file') int('data.seed', d.seed, 0, Number.MAX_SAFE_INTEGER);
  const config = configFromDraft(draft);
  const classes = datasetSizeOf(config.data)?.classes;
  if (classes !== undefined && classes !== 2 && lossNeedsBinaryLabels(draft.loss)) errors['loss.kind'] = 'this loss needs binary labels; use softmax-ce, or mse with one-hot targets';
  int('ntk.circleSweep', draft.ntk.circleSweep, 0, LIMITS.circleSweep);
  const dim = datasetSizeOf(config.data)?.d;
  if ((draft.ntk.circleSweep ?? 0) > 0 && dim !== undefined && dim !== 2) errors['ntk.circleSweep'] = 'the circle sweep needs 2-d inputs (circle data, or sphere with dim 2)';
  for (const problem of dynamicsProblems(draft)) errors[problem.path.join('.')] = problem.message;
  for (const key of ['metrics', 'kernels'] as const) {
    const s = draft.logging[key];
    const path = `logging.${key}`;
    if (s.every === null && s.logSpaced === null && !s.steps.trim()) errors[path] = 'give at least one of every, log-spaced or steps';
    else if (s.every !== null && !(Number.isInteger(s.every) && s.every > 0)) errors[path] = 'every must be a positive whole number';
    else if (s.logSpaced !== null && !(Number.isInteger(s.logSpaced) && s.logSpaced > 0 && s.logSpaced <= LIMITS.logSpaced)) errors[path] = `log-spaced count must be from 1 to ${LIMITS.logSpaced.toLocaleString('en')}`;
    else if (s.steps.trim() && (parseNumberList(s.steps) ?? [-1]).some((v) => !Number.isInteger(v) || v < 0)) errors[path] = 'steps are whole numbers ≥ 0, comma-separated';
  }
  if (draft.logging.trackSamples.trim()) {
    const tracked = parseNumberList(draft.logging.trackSamples);
    if (!tracked || tracked.some((v) => !Number.isInteger(v) || v < 0)) errors['logging.trackSamples'] = 'sample indices are whole numbers ≥ 0';
    else if (d.n !== null && d.kind !== 'file' && tracked.some((v) => v >= (d.n ?? 0))) errors['logging.trackSamples'] = `indices must be below n = ${d.n}`;
  }
  int('logging.fullSpectrumMax', draft.logging.fullSpectrumMax, 1, LIMITS.fullSpectrumMax);
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
