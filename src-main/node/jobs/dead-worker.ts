// A job's worker thread that ended without reporting a final status (terminated, or killed with its run half done)
// leaves its run 'running' and possibly its locks on the workspace, owned by a process that is still alive: this
// releases what the thread held and marks its run 'interrupted', as a kill -9 of a whole process would at the next open.
import type { Store } from '../store/store';
import { releaseThread } from '../store/lock-holders';
import type { RunId } from '../store/types';

/** Returns the runs that became 'interrupted' (the dead thread's run, if it was running). */
export function recoverDeadWorker(store: Store, threadId: number): RunId[] {
  releaseThread(store.path, threadId);
  return store.markInterruptedRuns();
}
