// Long numerics run synchronously between awaits of resolved promises; a macrotask turn every ~50 ms lets the host's
// timers, cancel messages and signals through. One helper for the training loop and the generic eNTK.
// The turn is a setImmediate where the host has one (node, Electron's main process, workers): it runs after the
// event loop's timers and I/O, without the 1 ms that a setTimeout(0) waits at least (about 2% of a long computation
// at one turn per 50 ms); browsers get setTimeout.

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const nextTurn: (resume: () => void) => void = immediate ? (resume) => immediate(resume) : (resume) => setTimeout(resume, 0);

/** Returns pause(): resolves at once unless `everyMs` passed since the last turn, then yields one macrotask. */
export function macrotaskYielder(everyMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await new Promise<void>((resolve) => nextTurn(resolve));
    last = performance.now();
  };
}
