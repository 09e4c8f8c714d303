// The Import form (ONNX checkpoint series -> a drift run of kind 'import') as plain data: the draft the view edits,
// its quick checks, and the 'imports:start' request built from it.
import type { ImportInspectionDto, RequestOf } from '../../../src-main/contract/api';
import { memoryBudgetProblem } from '../../../src-main/contract/run-memory';

export type ImportKernel = 'trace' | 'full';

export interface ImportDraft {
  /** One model path per line, on the machine running the workbench service. */
  models: string;
  probe: string;
  kernel: ImportKernel;
  name: string;
  /** Parameter (initializer) names kept constant: no gradient, no kernel contribution. */
  freeze: string[];
  /** Differentiate the final Softmax/LogSoftmax too instead of taking the logits under it. */
  keepSoftmax: boolean;
  /** Training step per checkpoint file, comma or space separated; empty: from the file names. */
  steps: string;
  /** Values for the model's other graph inputs by name: zeros, a number, or a tensor file on the host; empty: zeros. */
  bind: Record<string, string>;
  /** A dataset-scale kernel: blocks sized to `memory`, streamed into .npy files on the host. */
  blocked: boolean;
  /** The budget ('2GB', '512MiB'); empty: the host's default (3/4 of its free memory). */
  memory: string;
  /** Samples per block; empty: the budget chooses. */
  blockSize: string;
}

export const defaultImportDraft = (): ImportDraft => ({ models: '', probe: 'mnist:64', kernel: 'trace', name: '', freeze: [], keepSoftmax: false, steps: '', bind: {}, blocked: false, memory: '', blockSize: '' });

/** The budget field's default: 3/4 of the host's free memory, in whole MiB (what the host would take, written out). */
export function defaultMemoryBudget(freeBytes: number): string {
  return `${Math.max(1, Math.floor((0.75 * freeBytes) / 2 ** 20))}MiB`;
}

/** The non-empty lines of the textarea, trimmed, duplicates dropped (the order is the checkpoint order). */
export function parseModelPaths(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}

/** The steps field as numbers; undefined when empty; NaN entries mark what is not a non-negative integer. */
export function parseSteps(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return parts.length === 0 ? undefined : parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
}

/**
 * Field -> messages, for FormField; empty when the draft can be sent. `fileCount`, the checkpoint files the host
 * found (folders expanded) when known, lets the step count be checked here; the server checks the rest.
 */
export function checkImportDraft(draft: ImportDraft, fileCount?: number): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const models = parseModelPaths(draft.models);
  if (models.length === 0) errors.models = ['give at least one .onnx path'];
  else if (models.some((m) => m.length > 4096)) errors.models = ['a path is longer than 4096 characters'];
  const probe = draft.probe.trim();
  if (!probe) errors.probe = ['give a probe file (.json, .npy, .csv) or mnist:N[:seed]'];
  else if (/^mnist:/i.test(probe) && !/^mnist:\d+(:\d+)?$/i.test(probe)) errors.probe = ['write MNIST probes as mnist:N or mnist:N:seed'];
  if (draft.name.trim().length > 200) errors.name = ['at most 200 characters'];
  const steps = parseSteps(draft.steps);
  if (steps?.some((v) => Number.isNaN(v))) errors.steps = ['steps are non-negative integers, separated by commas or spaces'];
  else if (steps && fileCount !== undefined && steps.length !== fileCount) errors.steps = [`${steps.length} steps for ${fileCount} checkpoint files: give one per file`];
  if (draft.blocked) {
    const problem = draft.memory.trim() === '' ? null : memoryBudgetProblem(draft.memory.trim());
    if (problem) errors.memory = [problem];
    const block = draft.blockSize.trim();
    if (block !== '' && !/^[1-9]\d{0,5}$/.test(block)) errors.blockSize = ['a block size is a whole number of samples from 1 to 999999, or empty to let the budget choose'];
  }
  return errors;
}

export function importRequestFromDraft(projectId: number, draft: ImportDraft): RequestOf<'imports:start'> {
  const name = draft.name.trim();
  return {
    projectId,
    models: parseModelPaths(draft.models),
    probe: draft.probe.trim(),
    kernel: draft.kernel,
    ...(draft.freeze.length > 0 ? { freeze: [...draft.freeze] } : {}),
    ...(draft.keepSoftmax ? { keepSoftmax: true } : {}),
    ...(parseSteps(draft.steps) ? { steps: parseSteps(draft.steps) } : {}),
    ...bindRequest(draft),
    ...(draft.blocked ? { blocked: blockedRequest(draft) } : {}),
    ...(name ? { name } : {}),
  };
}

function blockedRequest(draft: ImportDraft): NonNullable<RequestOf<'imports:start'>['blocked']> {
  const memory = draft.memory.trim();
  const block = draft.blockSize.trim();
  return { ...(memory ? { memory } : {}), ...(block ? { blockSize: Number(block) } : {}) };
}

/**
 * The imports:inspect request for the draft's current models, output choice and probe (freeze left out: the list
 * shows all); the probe goes along once it passes the quick checks, so the host can say whether it fits the model.
 */
export function inspectRequestFromDraft(draft: ImportDraft): RequestOf<'imports:inspect'> {
  const probe = draft.probe.trim();
  const probeOk = probe !== '' && probe.length <= 4096 && checkImportDraft(draft).probe === undefined;
  return { models: parseModelPaths(draft.models), ...(draft.keepSoftmax ? { keepSoftmax: true } : {}), ...bindRequest(draft), ...(probeOk ? { probe } : {}) };
}

/** Why Start is blocked by the inspected probe check (null when it fits, or when nothing current was read). */
export function probeBlock(inspection: ImportInspectionDto | null, current: boolean): string | null {
  const probe = inspection?.probe;
  return current && probe && !probe.fits ? probe.message : null;
}

/** The filled-in input bindings ({} when none): a field left empty binds zeros. */
function bindRequest(draft: ImportDraft): { bind?: Record<string, string> } {
  const entries = Object.entries(draft.bind)
    .map(([name, value]) => [name, value.trim()] as const)
    .filter(([, value]) => value !== '');
  return entries.length > 0 ? { bind: Object.fromEntries(entries) } : {};
}

/** The textarea after a drop: existing lines kept, new ones appended without repeats. */
export function appendModelLines(text: string, lines: readonly string[]): string {
  return parseModelPaths([text, ...lines].join('\n')).join('\n');
}
