// Plain records for renderer tests. Their configs hold only what the views under test read, as a fake backend
// would send them; the typed union of RunRecord is asserted, not built.
import type { RunKind, RunListItem, RunRecord } from '../../src-main/contract/records';

type RecordPatch = Partial<Omit<RunRecord, 'kind' | 'config'>> & { readonly kind?: RunKind; readonly config?: object };

export function runRecord(id: number, patch: RecordPatch = {}): RunRecord {
  const record = {
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
  return record as RunRecord;
}

export function listItem(record: RunRecord): RunListItem {
  const { config: _config, backend: _backend, ...item } = record;
  return item;
}
