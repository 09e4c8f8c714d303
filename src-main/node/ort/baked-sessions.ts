// Sessions that hold a weight as an initializer, kept by the weight's content. onnxruntime prepacks a constant
// conv kernel once and, for Conv, runs MLAS's blocked-channel (NCHWc) convolution on it: 1.3-1.9x the speed of the
// same op reading its kernel as an input (docs/performance.md). A session is built per kernel on its first use
// (1.5-4 ms) and found again by the kernel's values, so every row block of a kernel, and every kernel of the same
// parameters, reuses it; checkpoints with new weights get new sessions and the least recently used ones go.
import type { ort } from './ort-session';

interface Entry {
  readonly weight: Uint32Array;
  readonly session: Promise<ort.InferenceSession>;
  /** Runs in progress: an entry evicted meanwhile is released after the last. */
  busy: number;
  evicted: boolean;
}

/** FNV-1a over the weight's bits: a bucket key; a hit is then confirmed value by value. */
function fingerprint(bits: Uint32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i], 0x01000193);
  return `${bits.length}:${(h >>> 0).toString(16)}`;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface BakedSessions {
  /**
   * Runs `run` on the session for (key, weight), built by `create` when none matches; key names everything else the
   * model depends on (op, attributes, shapes). The weight's values are copied for the match, never kept by reference.
   */
  use<T>(key: string, weight: Float32Array, create: () => Promise<ort.InferenceSession>, run: (session: ort.InferenceSession) => Promise<T>): Promise<T>;
  readonly size: number;
  dispose(): Promise<void>;
}

/** At most `capacity` sessions, least recently used evicted first (released once no run holds them). */
export function createBakedSessions(capacity: number): BakedSessions {
  const entries = new Map<string, Entry[]>();
  /** Every entry in order of use, oldest first. */
  const order = new Set<Entry>();
  let count = 0;

  const release = (entry: Entry) =>
    entry.session.then(
      (s) => s.release(),
      () => undefined,
    );

  const evictOldest = () => {
    const oldest = order.values().next().value as Entry;
    order.delete(oldest);
    for (const [key, list] of entries) {
      const at = list.indexOf(oldest);
      if (at < 0) continue;
      list.splice(at, 1);
      if (list.length === 0) entries.delete(key);
      break;
    }
    count--;
    oldest.evicted = true;
    if (oldest.busy === 0) void release(oldest);
  };

  const find = (key: string, weight: Float32Array, create: () => Promise<ort.InferenceSession>): Entry => {
    const bits = new Uint32Array(weight.buffer, weight.byteOffset, weight.length);
    const bucket = `${key}|${fingerprint(bits)}`;
    const list = entries.get(bucket) ?? [];
    const hit = list.find((e) => sameBits(e.weight, bits));
    if (hit) {
      order.delete(hit);
      order.add(hit);
      return hit;
    }
    const entry: Entry = { weight: bits.slice(), session: create(), busy: 0, evicted: false };
    // A failed build is not kept: the next use tries again and reports its own error.
    entry.session.catch(() => {
      if (!order.delete(entry)) return;
      const bucketList = entries.get(bucket) ?? [];
      bucketList.splice(bucketList.indexOf(entry), 1);
      if (bucketList.length === 0) entries.delete(bucket);
      count--;
    });
    list.push(entry);
    entries.set(bucket, list);
    order.add(entry);
    count++;
    while (count > capacity) evictOldest();
    return entry;
  };

  return {
    async use(key, weight, create, run) {
      const entry = find(key, weight, create);
      entry.busy++;
      try {
        return await run(await entry.session);
      } finally {
        entry.busy--;
        if (entry.evicted && entry.busy === 0) void release(entry);
      }
    },
    get size() {
      return count;
    },
    async dispose() {
      const all = [...order];
      order.clear();
      entries.clear();
      count = 0;
      for (const e of all) e.evicted = true;
      await Promise.all(all.filter((e) => e.busy === 0).map(release));
    },
  };
}
