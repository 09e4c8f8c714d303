// Long numerics run synchronously between awaits of resolved promises; a macrotask turn every ~50 ms lets the host's
// timers, cancel messages and signals through. One helper for the training loop and the generic eNTK.

/** Returns pause(): resolves at once unless `everyMs` passed since the last turn, then yields one macrotask. */
export function macrotaskYielder(everyMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
