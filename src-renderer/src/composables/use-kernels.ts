// Kernel snapshots of one run for the kernel views: the list (refetched, at most once a second, when the run
// records a new one) and snapshots decoded on demand and cached outside reactivity. Stops on scope disposal.
import { onScopeDispose, type Ref, shallowRef, watch } from 'vue';
import type { KernelInfoDto } from '../../../src-main/contract/api';
import type { KernelMode } from '../../../src-main/contract/run-config-rules';
import { describeError } from '../lib/result';
import { decodeTensor } from '../../../src-main/contract/tensor-codec';
import { call } from '../services/backend';

export interface KernelSnapshot {
  readonly step: number;
  readonly kind: KernelMode;
  readonly rows: number;
  /** The kernel as shown, block-averaged to `size` x `size` (row-major), or null when the run did not store it. */
  readonly data: Float64Array | null;
  readonly size: number;
  readonly downsampled: number;
  readonly eigenvalues: readonly number[] | null;
  readonly sweep: readonly number[] | null;
}

const REFRESH_MS = 1000;

const asFloat64 = (a: Float32Array | Float64Array): Float64Array => (a instanceof Float64Array ? a : Float64Array.from(a));

export function useKernels(runId: Ref<number | null>, version: Ref<number>) {
  const list = shallowRef<KernelInfoDto[]>([]);
  const error = shallowRef<{ code: string; message: string } | null>(null);
  let cache = new Map<string, Promise<KernelSnapshot>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastFetch = 0;
  let disposed = false;

  async function fetchList(): Promise<void> {
    timer = null;
    lastFetch = Date.now();
    const id = runId.value;
    if (id === null) return;
    try {
      const next = await call('runs:kernels', { id });
      if (!disposed && id === runId.value) {
        list.value = next;
        error.value = null;
      }
    } catch (e) {
      if (!disposed) error.value = describeError(e);
    }
  }

  function scheduleList(): void {
    if (timer !== null || disposed) return;
    timer = setTimeout(() => void fetchList(), Math.max(0, REFRESH_MS - (Date.now() - lastFetch)));
  }

  watch(runId, () => {
    cache = new Map();
    list.value = [];
    void fetchList();
  }, { immediate: true });
  watch(version, scheduleList);

  /** The snapshot at `step`, down-sampled by the server to at most `maxSize` rows (8 when only eigenvalues or the sweep are wanted). */
  function snapshot(step: number, maxSize = 128): Promise<KernelSnapshot> {
    const id = runId.value;
    if (id === null) return Promise.reject(new Error('no run'));
    const key = `${id}:${step}:${maxSize}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = call('runs:kernel', { id, step, maxSize }).then((k) => ({
        step: k.step,
        kind: k.kind,
        rows: k.rows,
        data: k.data ? asFloat64(decodeTensor(k.data)) : null,
        size: k.data ? k.data.shape[0] : 0,
        downsampled: k.downsampled,
        eigenvalues: k.eigenvalues,
        sweep: k.sweep,
      }));
      pending.catch(() => cache.delete(key));
      cache.set(key, pending);
    }
    return pending;
  }

  onScopeDispose(() => {
    disposed = true;
    if (timer !== null) clearTimeout(timer);
    cache = new Map();
  });

  return { list, error, snapshot, refresh: fetchList };
}

/**
 * Every snapshot of `kernels` at the smallest size (eigenvalues and circle sweeps, not the matrices), fetched a few
 * at a time as the list grows; for the spectrum and sweep charts.
 */
export function useSmallSnapshots(kernels: Ref<readonly KernelInfoDto[]>, snapshot: (step: number, maxSize?: number) => Promise<KernelSnapshot>) {
  const snapshots = shallowRef<KernelSnapshot[]>([]);
  const error = shallowRef<{ code: string; message: string } | null>(null);
  let generation = 0;
  watch(
    kernels,
    async (list) => {
      const mine = ++generation;
      const results: KernelSnapshot[] = [];
      const queue = list.map((k) => k.step);
      const worker = async () => {
        for (let step = queue.shift(); step !== undefined; step = queue.shift()) results.push(await snapshot(step, 8));
      };
      try {
        await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
        if (mine !== generation) return;
        snapshots.value = results.sort((a, b) => a.step - b.step);
        error.value = null;
      } catch (e) {
        if (mine === generation) error.value = describeError(e);
      }
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    generation++;
  });
  return { snapshots, error };
}
