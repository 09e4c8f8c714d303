// Runs side by side: their records, and the metric series and circle sweeps a comparison asks for, fetched once
// per run and name (runs:metrics with names) and cached outside reactivity; `version` bumps when the cache grows.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RunRecord } from '../../../src-main/contract/records';
import { describeError } from '../lib/result';
import { SeriesBuffer } from '../../../src-main/charts/series-buffer';
import { call } from '../services/backend';

const ACTIVE = new Set(['queued', 'running']);

export const useCompareStore = defineStore('compare', () => {
  const runIds = ref<number[]>([]);
  const records = shallowRef<ReadonlyMap<number, RunRecord>>(new Map());
  const loading = ref(false);
  const error = shallowRef<{ code: string; message: string } | null>(null);
  const version = ref(0);
  let series = new Map<string, SeriesBuffer | null>();
  let sweeps = new Map<string, readonly number[] | null>();
  let generation = 0;

  const key = (id: number, name: string) => `${id}\u0000${name}`;

  async function open(ids: readonly number[]): Promise<void> {
    const mine = ++generation;
    runIds.value = [...ids];
    series = new Map();
    sweeps = new Map();
    loading.value = true;
    error.value = null;
    try {
      const list = await Promise.all(ids.map((id) => call('runs:get', { id })));
      if (mine !== generation) return;
      records.value = new Map(list.map((r) => [r.id, r]));
      version.value++;
    } catch (e) {
      if (mine === generation) error.value = describeError(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Fetches what is missing of `names` for every run (one request per run). */
  async function ensure(names: readonly string[]): Promise<void> {
    const mine = generation;
    const wanted = [...new Set(names)];
    await Promise.all(
      runIds.value.map(async (id) => {
        const missing = wanted.filter((n) => !series.has(key(id, n)));
        if (missing.length === 0) return;
        for (const n of missing) series.set(key(id, n), null);
        try {
          const answer = await call('runs:metrics', { id, names: missing });
          if (mine !== generation) return;
          for (const [name, dto] of Object.entries(answer.series)) series.set(key(id, name), SeriesBuffer.fromDto(dto));
        } catch (e) {
          for (const n of missing) series.delete(key(id, n));
          if (mine === generation) error.value = describeError(e);
        }
      }),
    );
    if (mine === generation) version.value++;
  }

  function get(id: number, name: string): SeriesBuffer | undefined {
    return series.get(key(id, name)) ?? undefined;
  }

  /** The circle sweep of each run at its first or last kernel snapshot that has one. */
  async function ensureSweeps(which: 'first' | 'last'): Promise<void> {
    const mine = generation;
    await Promise.all(
      runIds.value.map(async (id) => {
        const k = key(id, `sweep:${which}`);
        if (sweeps.has(k)) return;
        sweeps.set(k, null);
        try {
          const list = await call('runs:kernels', { id });
          const ordered = which === 'first' ? list : [...list].reverse();
          for (const info of ordered) {
            const kernel = await call('runs:kernel', { id, step: info.step, maxSize: 8 });
            if (kernel.sweep && kernel.sweep.length > 1) {
              sweeps.set(k, kernel.sweep);
              break;
            }
          }
        } catch (e) {
          sweeps.delete(k);
          if (mine === generation) error.value = describeError(e);
        }
      }),
    );
    if (mine === generation) version.value++;
  }

  function sweep(id: number, which: 'first' | 'last'): readonly number[] | undefined {
    return sweeps.get(key(id, `sweep:${which}`)) ?? undefined;
  }

  /** Drops what was cached for runs still going, and re-reads every record. */
  async function refresh(): Promise<void> {
    const going = new Set(runIds.value.filter((id) => ACTIVE.has(records.value.get(id)?.status ?? '')));
    for (const k of [...series.keys()]) if (going.has(Number(k.split('\u0000')[0]))) series.delete(k);
    for (const k of [...sweeps.keys()]) if (going.has(Number(k.split('\u0000')[0]))) sweeps.delete(k);
    const ids = runIds.value;
    const list = await Promise.all(ids.map((id) => call('runs:get', { id }).catch(() => records.value.get(id))));
    records.value = new Map(list.filter((r): r is RunRecord => r !== undefined).map((r) => [r.id, r]));
    version.value++;
  }

  return { runIds, records, loading, error, version, open, ensure, get, ensureSweeps, sweep, refresh };
});
