// Long numeric loops run synchronously between awaits of already-resolved promises, so nothing else on their
// thread runs: not the host's timers, not a worker's cancel message. A macrotask turn every ~50 ms lets those in.

/** A function to await inside a loop: it yields a macrotask turn when `ms` have passed since the last one. */
export function macrotaskYielder(ms = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < ms) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}
