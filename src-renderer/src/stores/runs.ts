// Runs of the open project: the list with each run's full record (runs:list returns config and backend; a status
// change refreshes one record), live status and progress from events, and run actions.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ProgressDto } from '../../../src-main/contract/api';
import { isTerminalRunState, type RunError, type RunListItem, type RunRecord } from '../../../src-main/contract/records';
import type { RunConfigInput } from '../../../src-main/contract/run-config';
import { describeError } from '../lib/result';
import { runRow, type RunRow } from '../lib/run-row';
import { backend, call } from '../services/backend';


export const useRunsStore = defineStore('runs', () => {
  const projectId = ref<number | null>(null);
  const items = shallowRef<RunListItem[]>([]);
  const records = shallowRef<ReadonlyMap<number, RunRecord>>(new Map());
  const progress = shallowRef<ReadonlyMap<number, ProgressDto>>(new Map());
  const loading = ref(false);
  const error = shallowRef<{ code: string; message: string } | null>(null);
  let loadToken = 0;

  const rows = computed<RunRow[]>(() => items.value.map((item) => runRow(item, records.value.get(item.id))));
  const allTags = computed(() => [...new Set(items.value.flatMap((i) => i.tags))].sort());

  const putRecord = (record: RunRecord) => {
    const next = new Map(records.value);
    next.set(record.id, record);
    records.value = next;
    if (record.projectId === projectId.value) {
      const { config: _config, backend: _backend, ...item } = record;
      const exists = items.value.some((i) => i.id === record.id);
      items.value = exists ? items.value.map((i) => (i.id === record.id ? item : i)) : [item, ...items.value];
    }
    return record;
  };

  async function load(id: number): Promise<void> {
    const token = ++loadToken;
    if (projectId.value !== id) {
      items.value = [];
      records.value = new Map();
    }
    projectId.value = id;
    loading.value = true;
    try {
      const list = await call('runs:list', { projectId: id });
      if (token !== loadToken) return;
      items.value = list;
      error.value = null;
      for (const record of list) putRecord(record);
    } catch (e) {
      if (token === loadToken) error.value = describeError(e);
    } finally {
      if (token === loadToken) loading.value = false;
    }
  }

  /** Follows status and progress events while a view shows the list; returns the function that stops it. */
  function listen(): () => void {
    const offStatus = backend().subscribe('runs:status', ({ runId, status, error: runError }) => {
      const item = items.value.find((i) => i.id === runId);
      if (!item) {
        // A run started elsewhere (the CLI, another window) may belong to this project.
        if (projectId.value !== null && status === 'queued') void load(projectId.value);
        return;
      }
      items.value = items.value.map((i) => (i.id === runId ? { ...i, status, error: runError as RunError | null } : i));
      if (isTerminalRunState(status) || status === 'running') void refresh(runId);
    });
    const offProgress = backend().subscribe('runs:progress', (p) => {
      if (!items.value.some((i) => i.id === p.runId)) return;
      const next = new Map(progress.value);
      next.set(p.runId, p);
      progress.value = next;
    });
    return () => {
      offStatus();
      offProgress();
    };
  }

  async function refresh(id: number): Promise<RunRecord | null> {
    try {
      return putRecord(await call('runs:get', { id }));
    } catch {
      return null;
    }
  }

  async function get(id: number): Promise<RunRecord> {
    return records.value.get(id) ?? putRecord(await call('runs:get', { id }));
  }

  /** `config` is a run config (RunConfigInput, or a sweep expansion's run); the host validates it. */
  async function start(project: number, config: RunConfigInput | Readonly<Record<string, unknown>>, name?: string, tags?: string[]): Promise<RunRecord> {
    return putRecord(
      await call('runs:start', {
        projectId: project,
        config: { ...config },
        ...(name ? { name } : {}),
        ...(tags && tags.length > 0 ? { tags } : {}),
      }),
    );
  }

  async function duplicate(id: number, configPatch: Record<string, unknown>, name?: string): Promise<RunRecord> {
    return putRecord(await call('runs:duplicate', { id, configPatch, start: true, ...(name ? { name } : {}) }));
  }

  async function cancel(id: number): Promise<RunRecord> {
    return putRecord(await call('runs:cancel', { id }));
  }

  async function rename(id: number, name: string): Promise<RunRecord> {
    return putRecord(await call('runs:rename', { id, name }));
  }

  async function setNotes(id: number, notes: string): Promise<RunRecord> {
    return putRecord(await call('runs:set-notes', { id, notes }));
  }

  async function tag(id: number, value: string): Promise<RunRecord> {
    return putRecord(await call('runs:tag', { id, tag: value }));
  }

  async function untag(id: number, value: string): Promise<RunRecord> {
    return putRecord(await call('runs:untag', { id, tag: value }));
  }

  /** Deletes each run; those that fail (still running, say) are reported, the others go. */
  async function remove(ids: readonly number[]): Promise<{ id: number; code: string; message: string }[]> {
    const failures: { id: number; code: string; message: string }[] = [];
    for (const id of ids) {
      try {
        await call('runs:delete', { id });
        items.value = items.value.filter((i) => i.id !== id);
        const next = new Map(records.value);
        next.delete(id);
        records.value = next;
      } catch (e) {
        failures.push({ id, ...describeError(e) });
      }
    }
    return failures;
  }

  return { projectId, items, records, progress, rows, allTags, loading, error, load, listen, refresh, get, start, duplicate, cancel, rename, setNotes, tag, untag, remove };
});
