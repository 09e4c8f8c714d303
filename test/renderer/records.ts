// Plain records for renderer tests.
import type { RunListItem, RunRecord } from '../../src-main/contract/records';

export function runRecord(id: number, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    projectId: 1,
    name: `run ${id}`,
    kind: 'train',
    status: 'done',
    seed: 0,
    created: 1_700_000_000_000 + id,
    started: 1_700_000_000_000 + id,
    finished: 1_700_000_010_000 + id,
    error: null,
    summary: { stepsDone: 100, finalLoss: 0.1 * id, finalRelDrift: 0.01 * id, bound: 0.02, lambda0: 1.3 },
    notes: '',
    tags: [],
    sourceRunId: null,
    config: { steps: 100, model: { arch: 'fcn', depth: 3, width: 64 * id }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle', n: 6 } },
    backend: { name: 'wasm' },
    ...patch,
  };
}

export function listItem(record: RunRecord): RunListItem {
  const { config: _config, backend: _backend, ...item } = record;
  return item;
}
